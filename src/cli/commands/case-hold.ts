import type { Command } from 'commander';
import { hold, releaseHold, requestErasure } from '../../cases/index.js';
import { actingEmployee, type IdentityFlags } from '../identity.js';
import { EXIT } from '../exit.js';
import type { Io } from '../io.js';
import { json } from '../render.js';
import { withDb } from '../wiring.js';
import { caseDeps } from './case-deps.js';

type Flags = IdentityFlags & { db?: string; json?: boolean };

/** `warden case hold|release ID` and `warden erase SUBJECT` (which waits for holds). */
export function registerHolds(
  program: Command,
  cases: Command,
  acting: (c: Command) => Command,
  io: Io,
  setCode: (code: number) => void,
): void {
  acting(
    cases
      .command('hold')
      .description("put a case under legal hold: its subjects' data cannot be erased")
      .argument('<case>')
      .requiredOption('--reason <text>'),
  ).action((id: string, o: Flags & { reason: string }) =>
    withDb(o.db, async (w) => {
      const who = await actingEmployee(w, o);
      await hold(caseDeps(w), id, who.employeeId, o.reason);
      io.out(o.json ? `${json({ case: id, held: true })}\n` : `case ${id} is under legal hold\n`);
      return EXIT.ok;
    }).then(setCode),
  );

  acting(
    cases
      .command('release')
      .description('release a legal hold; erasures that waited for it are carried out')
      .argument('<case>'),
  ).action((id: string, o: Flags) =>
    withDb(o.db, async (w) => {
      const who = await actingEmployee(w, o);
      const r = await releaseHold(caseDeps(w), w.vault, id, who.employeeId);
      io.out(
        o.json
          ? `${json({ case: id, ...r })}\n`
          : `released the hold on case ${id}; erased now: ${r.erased.join(', ') || '(none)'}; still held by another case: ${r.stillHeld.join(', ') || '(none)'}\n`,
      );
      return EXIT.ok;
    }).then(setCode),
  );

  acting(
    program
      .command('erase')
      .description(
        "erase a person's personal data (destroy their data key), if the policies allow it (privacy.erase); under a legal hold it waits for the release (exit 1)",
      )
      .argument('<subject>', 'a reviewer, employee or seller id'),
  ).action((subject: string, o: Flags) =>
    withDb(o.db, async (w) => {
      const who = await actingEmployee(w, o);
      const r = await requestErasure(caseDeps(w), w.vault, subject, who.employeeId);
      if (o.json) io.out(`${json(r)}\n`);
      else if (r.erased) io.out(`erased ${subject}: their personal data can no longer be read\n`);
      else
        io.out(
          `${subject} is under legal hold (case ${r.waitingFor.join(', ')}): the erasure is recorded and waits for the hold's release\n`,
        );
      return r.erased ? EXIT.ok : EXIT.finding;
    }).then(setCode),
  );
}
