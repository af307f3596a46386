import type { Command, Option } from 'commander';
import {
  FileOutboxSink,
  HttpOutboxSink,
  deliverOutbox,
  enforce,
  type OutboxSink,
} from '../../cases/index.js';
import { MEASURES, type Enforcement } from '../../guard/index.js';
import { actingEmployee, type IdentityFlags } from '../identity.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { json, table } from '../render.js';
import { openGuard, withDb } from '../wiring.js';
import { caseDeps } from './case-deps.js';
import { report } from './guard.js';
import { wholeNumber } from '../read-input.js';

type TakeFlags = IdentityFlags & {
  db?: string;
  json?: boolean;
  reason: string;
  amount?: string;
  currency?: string;
  reviews?: string;
  bundle?: string;
  rule?: string;
  approval?: string;
};

/** `warden action take|outbox|deliver`: enforcement measures and their delivery. */
export function registerActionCommands(
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  const action = program.command('action').description('enforcement measures under a case');
  action
    .command('take')
    .description(
      `take a measure (${Object.keys(MEASURES).join(', ')}) under a case; pending until a second person approves (warden approve), then run again with --approval`,
    )
    .argument('<measure>')
    .argument('<case>')
    .argument('<subject>', 'the seller or employee it acts on')
    .addOption(dbOption())
    .option('--token <token>', 'your API token (default: $WARDEN_TOKEN)')
    .option('--insecure-as <employee>', 'act without a token: only with WARDEN_INSECURE_IDENTITY=1')
    .requiredOption('--reason <text>', 'the facts relied on (the statement of reasons)')
    .option('--rule <text>', 'the rule broken (required for measures a seller is told of)')
    .option('--amount <n>', 'funds.*: whole minor units (cents)')
    .option('--currency <code>', 'funds.*: ISO 4217, e.g. EUR')
    .option('--reviews <ids>', 'reviews.*: comma-separated review ids')
    .option('--bundle <sha256>', "legal.referral: the evidence bundle's manifest SHA-256")
    .option('--approval <id>', 'carry out a measure a second person approved')
    .option('--json', 'machine-readable output')
    .action((measure: string, caseId: string, subject: string, o: TakeFlags) =>
      withDb(o.db, async (w) => {
        const who = await actingEmployee(w, o);
        const guard = await openGuard(w);
        const result = await enforce(caseDeps(w), guard, {
          caseId,
          actor: who.employeeId,
          identity: who.identity,
          reason: o.reason,
          enforcement: enforcementOf(measure, subject, o),
          ...(o.approval === undefined ? {} : { approvalId: o.approval }),
        });
        return report(result, o, io);
      }).then(setCode),
    );

  action
    .command('outbox')
    .description("commands for the marketplace's systems and their delivery state")
    .addOption(dbOption())
    .option('--all', 'delivered ones too')
    .option('--json', 'machine-readable output')
    .action((o: { db?: string; all?: boolean; json?: boolean }) =>
      withDb(o.db, async (w) => {
        const rows = await w.store.cases.outbox(o.all ? 'all' : 'pending');
        if (o.json) io.out(`${json(rows)}\n`);
        else if (rows.length === 0) io.out('nothing to deliver\n');
        else
          io.out(
            `${table(
              ['command', 'case', 'measure', 'created', 'delivered', 'attempts', 'last error'],
              rows.map((r) => [
                r.id,
                r.caseId,
                r.measure,
                r.createdAt,
                r.deliveredAt ?? '',
                r.attempts,
                r.lastError ?? '',
              ]),
            )}\n`,
          );
        return EXIT.ok;
      }).then(setCode),
    );

  action
    .command('deliver')
    .description('deliver pending commands (at least once, idempotent by id); exit 1 if any failed')
    .addOption(dbOption())
    .option('--to <url>', 'POST each command to this endpoint (Idempotency-Key: its id)')
    .option('--file <path>', 'append each command to this file, once per id')
    .option('--json', 'machine-readable output')
    .action((o: { db?: string; to?: string; file?: string; json?: boolean }) =>
      withDb(o.db, async (w) => {
        const r = await deliverOutbox(w, sinkOf(o));
        if (o.json) io.out(`${json(r)}\n`);
        else {
          io.out(`delivered ${r.delivered.length}, failed ${r.failed.length}\n`);
          for (const f of r.failed) io.out(`  ${f.id}: ${f.error}\n`);
        }
        return r.failed.length > 0 ? EXIT.finding : EXIT.ok;
      }).then(setCode),
    );
}

function enforcementOf(measure: string, subject: string, o: TakeFlags): Enforcement {
  const reviews = o.reviews
    ?.split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  return {
    measure,
    subject,
    ...(o.amount === undefined ? {} : { amount: wholeNumber(o.amount, '--amount') }),
    ...(o.currency === undefined ? {} : { currency: o.currency }),
    ...(reviews === undefined ? {} : { reviews }),
    ...(o.bundle === undefined ? {} : { bundle: o.bundle }),
    ...(o.rule === undefined ? {} : { rule: o.rule }),
  };
}

function sinkOf(o: { to?: string; file?: string }): OutboxSink {
  if ((o.to === undefined) === (o.file === undefined)) {
    throw new UsageError('give one of --to URL or --file PATH');
  }
  if (o.to !== undefined) {
    if (!/^https?:\/\//.test(o.to))
      throw new UsageError(`--to ${o.to}: an http(s) URL is required`);
    return new HttpOutboxSink(o.to);
  }
  return new FileOutboxSink(o.file ?? '');
}
