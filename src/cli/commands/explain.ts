import pc from 'picocolors';
import type { AccessEvent, Alert, RiskReason } from '../../domain/index.js';
import type { Baseline } from '../../detect/index.js';
import { UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { heading, json, table } from '../render.js';
import type { Wired } from '../wiring.js';
import { alertTable, runDetection } from './detect.js';
import type { Detection } from './detect-run.js';

/**
 * `warden explain EMPLOYEE`: why the employee scores what they score — the reasons, their
 * alerts, a timeline of every cited event, and the baselines they departed from.
 */
export async function explainCommand(
  w: Wired,
  employeeId: string,
  flags: { json?: boolean; org?: string },
  io: Io,
): Promise<number> {
  const detection = await runDetection(w, io, flags.org === undefined ? {} : { org: flags.org });
  const x = await explanation(w, detection, employeeId);
  if (!x) throw new UsageError(`no employee ${employeeId} in the directory`);
  if (flags.json) {
    io.out(`${json(x)}\n`);
    return 0;
  }
  io.out(describe(employeeId, x.score, x.reasons, x.alerts, x.timeline, x.baseline));
  return 0;
}

/** What `warden explain --json` prints (and the HTTP API answers); undefined for an unknown employee. */
export interface Explanation {
  readonly employeeId: string;
  readonly score: number;
  readonly reasons: readonly RiskReason[];
  readonly alerts: Alert[];
  readonly timeline: (AccessEvent & { indicators: string[] })[];
  readonly baseline: Baseline;
}

/** An employee's reasons, alerts, the timeline of the events they cite, and baselines. */
export async function explanation(
  w: Pick<Wired, 'store'>,
  detection: Pick<Detection, 'engine' | 'stored'>,
  employeeId: string,
): Promise<Explanation | undefined> {
  const { engine, stored } = detection;
  const { findings } = stored;
  const baseline = engine.baselineOf(employeeId);
  if (!baseline) return undefined;
  const risk = findings.risk.find((r) => r.employeeId === employeeId);
  const alerts = findings.alerts.filter((a) => a.employeeId === employeeId);
  const indicatorsOf = new Map<string, Set<string>>();
  for (const h of engine.hitsOf(employeeId)) {
    const set = indicatorsOf.get(h.eventId) ?? new Set<string>();
    set.add(h.indicator);
    indicatorsOf.set(h.eventId, set);
  }
  const cited = new Set([
    ...(risk?.reasons.flatMap((r) => r.events) ?? []),
    ...alerts.flatMap((a) => a.events),
  ]);
  const own = await w.store.events.byIds([...cited]);
  const timeline = [...own.values()]
    .filter((e) => e.actor === employeeId)
    .sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id))
    .map((e) => ({ ...e, indicators: [...(indicatorsOf.get(e.id) ?? [])].sort() }));
  return {
    employeeId,
    score: risk?.score ?? 0,
    reasons: risk?.reasons ?? [],
    alerts,
    timeline,
    baseline,
  };
}

function describe(
  id: string,
  score: number,
  reasons: readonly { indicator: string; detail: string; events: readonly string[] }[],
  alerts: Parameters<typeof alertTable>[0],
  timeline: (AccessEvent & { indicators: string[] })[],
  b: Baseline,
): string {
  const e = b.employee;
  const out = [
    `${pc.bold(id)}: ${e.role} in ${e.team} at ${e.site}, ${e.shift} shift${e.leftAt === undefined ? '' : `, leaving ${new Date(e.leftAt).toISOString().slice(0, 10)}`} — risk ${pc.bold(String(score))} / 100`,
    heading('reasons'),
    reasons.length === 0
      ? 'none'
      : table(
          ['indicator', 'detail', 'events'],
          reasons.map((r) => [r.indicator, r.detail, r.events.length]),
        ),
    heading('alerts'),
    alertTable(alerts),
    heading(`timeline of the ${timeline.length} cited events`),
    timeline.length === 0
      ? 'none'
      : table(
          ['time', 'event', 'action', 'target', 'ticket', 'indicators'],
          timeline.map((t) => [
            t.time,
            t.id,
            t.action,
            `${t.target.type} ${t.target.id}`,
            t.ticket ?? '',
            t.indicators.join(', '),
          ]),
        ),
    heading('baselines'),
    table(
      ['compared with', 'value'],
      [
        [
          `peer group ${b.peerGroup}: median accesses without purpose per worked day`,
          b.peerRate.toFixed(2),
        ],
        [
          `${id}: accesses without purpose per worked day`,
          (b.workedDays === 0 ? 0 : b.unjustified / b.workedDays).toFixed(2),
        ],
        [`${id}: worked days seen`, String(b.workedDays)],
        [
          `${id}: usual hours (UTC), share of events`,
          b.pattern?.hours
            .slice(0, 6)
            .map((h) => `${String(h.hour).padStart(2, '0')}h ${(h.share * 100).toFixed(0)}%`)
            .join('  ') ?? '—',
        ],
        [`${id}: networks used`, String(b.pattern?.networks ?? 0)],
      ],
    ),
  ];
  return `${out.join('\n')}\n`;
}
