import type { Command, Option } from 'commander';
import { decideAppeal, fileAppeal, statementOfReasons } from '../../cases/index.js';
import { actingEmployee, type IdentityFlags } from '../identity.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { json } from '../render.js';
import { withDb } from '../wiring.js';
import { caseDeps } from './case-deps.js';

type Flags = IdentityFlags & { db?: string; json?: boolean };

/** `warden action statement EVENT` and `warden appeal file|decide`. */
export function registerAppealCommands(
  program: Command,
  action: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  const acting = (c: Command): Command =>
    c
      .addOption(dbOption())
      .option('--token <token>', 'your API token (default: $WARDEN_TOKEN)')
      .option(
        '--insecure-as <employee>',
        'act without a token: only with WARDEN_INSECURE_IDENTITY=1',
      )
      .option('--json', 'machine-readable output');

  acting(
    action
      .command('statement')
      .description(
        'the statement of reasons to the seller a measure acted on (EU DSA Art. 17); ledgered',
      )
      .argument('<event>', 'the event of the measure carried out'),
  ).action((eventId: string, o: Flags) =>
    withDb(o.db, async (w) => {
      const who = await actingEmployee(w, o);
      const s = await statementOfReasons(caseDeps(w), eventId, who.employeeId);
      if (o.json) io.out(`${json(s)}\n`);
      else
        io.out(
          [
            `Statement of reasons to ${s.addressee} (decided ${s.decidedAt})`,
            `Measure: ${s.measure} ${JSON.stringify(s.scope)}`,
            `Facts: ${s.facts}`,
            `Rule broken: ${s.rule}`,
            `Automated means: ${s.automatedMeans}`,
            `How to appeal: ${s.redress.appeal} By ${s.redress.appealBy}.`,
            `Other redress: ${s.redress.outOfCourt} ${s.redress.judicial}`,
            `(SHA-256 ${s.sha256}, ledgered)`,
          ].join('\n') + '\n',
        );
      return EXIT.ok;
    }).then(setCode),
  );

  const appeal = program.command('appeal').description('appeals against enforcement measures');
  acting(
    appeal
      .command('file')
      .description("record a subject's appeal against a measure")
      .argument('<event>', 'the event of the measure carried out')
      .requiredOption('--appellant <id>', 'the seller (or employee) appealing')
      .requiredOption('--grounds <text>'),
  ).action((eventId: string, o: Flags & { appellant: string; grounds: string }) =>
    withDb(o.db, async (w) => {
      const who = await actingEmployee(w, o);
      const a = await fileAppeal(caseDeps(w), {
        measureEvent: eventId,
        appellant: o.appellant,
        grounds: o.grounds,
        actor: who.employeeId,
      });
      io.out(o.json ? `${json(a)}\n` : `appeal ${a.id} filed against ${eventId}\n`);
      return EXIT.ok;
    }).then(setCode),
  );
  acting(
    appeal
      .command('decide')
      .description('decide an appeal: never by who took or approved the measure; exit 1 if refused')
      .argument('<appeal>')
      .requiredOption('--outcome <upheld|overturned>')
      .requiredOption('--decision <text>', 'the reasons for the decision'),
  ).action((id: string, o: Flags & { outcome: string; decision: string }) =>
    withDb(o.db, async (w) => {
      if (o.outcome !== 'upheld' && o.outcome !== 'overturned') {
        throw new UsageError('--outcome is upheld or overturned');
      }
      const who = await actingEmployee(w, o);
      const r = await decideAppeal(caseDeps(w), {
        appealId: id,
        actor: who.employeeId,
        outcome: o.outcome,
        decision: o.decision,
      });
      if (o.json) io.out(`${json(r)}\n`);
      else
        io.out(
          `appeal ${id}: ${o.outcome}${r.reversal ? `; reverse it with: warden action take ${r.reversal} ${r.appeal.caseId} SUBJECT --reason …` : ''}\n`,
        );
      return EXIT.ok;
    }).then(setCode),
  );
}
