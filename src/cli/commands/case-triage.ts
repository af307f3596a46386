import type { Command } from 'commander';
import { acknowledge, dismiss, escalate } from '../../cases/index.js';
import { actingEmployee, type IdentityFlags } from '../identity.js';
import { EXIT } from '../exit.js';
import type { Io } from '../io.js';
import { json } from '../render.js';
import { withDb } from '../wiring.js';
import { alertById, caseDeps } from './case-deps.js';

type Flags = IdentityFlags & { db?: string; json?: boolean; org?: string };

/** `warden case ack|dismiss|escalate ALERT`: triage of the current findings' alerts. */
export function registerTriage(
  cases: Command,
  acting: (c: Command) => Command,
  io: Io,
  setCode: (code: number) => void,
): void {
  const withOrg = (c: Command): Command =>
    acting(c).option('--org <file>', 'the org profile the findings were computed with');
  const done = (o: Flags, value: Record<string, unknown>, text: string): number => {
    io.out(o.json ? `${json(value)}\n` : `${text}\n`);
    return EXIT.ok;
  };

  withOrg(
    cases.command('ack').description('acknowledge an alert (ledgered)').argument('<alert>'),
  ).action((id: string, o: Flags) =>
    withDb(o.db, async (w) => {
      const who = await actingEmployee(w, o);
      const alert = await alertById(w, io, id, o.org);
      const eventId = await acknowledge(caseDeps(w), who.employeeId, alert);
      return done(
        o,
        { alert: id, state: 'acknowledged', eventId },
        `acknowledged ${id} (event ${eventId})`,
      );
    }).then(setCode),
  );

  withOrg(
    cases
      .command('dismiss')
      .description(
        'dismiss an alert: alerts of its detector about its employee are suppressed until --until',
      )
      .argument('<alert>')
      .requiredOption('--reason <text>', 'why it is not a concern (ledgered)')
      .requiredOption(
        '--until <time>',
        'RFC 3339 time the suppression ends (at most a year ahead)',
      ),
  ).action((id: string, o: Flags & { reason: string; until: string }) =>
    withDb(o.db, async (w) => {
      const who = await actingEmployee(w, o);
      const alert = await alertById(w, io, id, o.org);
      const s = await dismiss(caseDeps(w), who.employeeId, alert, o);
      return done(
        o,
        { ...s },
        `dismissed ${id}: ${s.detector} alerts about ${s.employeeId} are suppressed until ${s.until}`,
      );
    }).then(setCode),
  );

  withOrg(
    cases
      .command('escalate')
      .description('escalate an alert into a new case, or into --case ID')
      .argument('<alert>')
      .option('--case <id>', 'an open case to add it to'),
  ).action((id: string, o: Flags & { case?: string }) =>
    withDb(o.db, async (w) => {
      const who = await actingEmployee(w, o);
      const alert = await alertById(w, io, id, o.org);
      const caseId = await escalate(caseDeps(w), who.employeeId, alert, o.case);
      return done(o, { alert: id, case: caseId }, `escalated ${id} into case ${caseId}`);
    }).then(setCode),
  );
}
