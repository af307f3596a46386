import type { StoreStats } from '../../store/index.js';
import { barChart, heading, json, pivot, table } from '../render.js';
import type { ReadWired } from '../read-only.js';
import type { Io } from '../io.js';

/** `warden stats`: what the database holds. */
export async function statsCommand(
  w: ReadWired,
  flags: { json?: boolean },
  io: Io,
): Promise<number> {
  const stats = await w.store.stats();
  io.out(flags.json ? `${json(stats)}\n` : renderStats(stats, w.dbPath));
  return 0;
}

export function renderStats(s: StoreStats, dbPath: string): string {
  const out = [heading(`Warden database ${dbPath}`)];
  out.push(
    table(
      ['kind', 'records'],
      Object.entries(s.counts).map(([k, n]) => [k, n]),
    ),
  );
  out.push(
    s.firstEventTime === undefined
      ? 'events: none yet'
      : `events from ${s.firstEventTime} to ${s.lastEventTime ?? '?'}`,
  );
  out.push(`ledger: ${s.ledgerSize.toLocaleString('en-US')} leaves in ${s.batches} batch(es)`);
  if (s.employeesBySite.length > 0) {
    out.push(heading('Employees per site and team'));
    out.push(
      pivot(
        s.employeesBySite,
        [
          { name: 'site', of: (r) => r.site },
          { name: 'team', of: (r) => r.team },
        ],
        (r) => r.employees,
      ),
    );
  }
  if (s.eventsByAction.length > 0) {
    out.push(heading('Events by action'));
    out.push(barChart(s.eventsByAction.map((r) => ({ label: r.action, value: r.events }))));
  }
  return `${out.join('\n')}\n`;
}
