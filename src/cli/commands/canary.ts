import { Option, type Command } from 'commander';
import pc from 'picocolors';
import {
  plantCanaries,
  reportCanary,
  type CanaryReport,
  type CanaryVariant,
  type PlantReport,
} from '../../attribute/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { withExistingDb } from '../read-only.js';
import { heading, json, table } from '../render.js';

type Flags = { db?: string; json?: boolean };

/** `warden canary plant|report`: plant canary records, and name who could have leaked one. */
export function registerCanaryCommands(
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  const canary = program
    .command('canary')
    .description('canary records: planted where no work leads, any touch is a critical alert');

  canary
    .command('plant')
    .description(
      'plant a canary seller, product, reviewer and review per team or per employee (ledgered, sealed list)',
    )
    .addOption(
      new Option('--per <variant>', 'one canary per team or per employee')
        .choices(['team', 'employee'])
        .makeOptionMandatory(),
    )
    .option(
      '--domain <domain>',
      'the mail domain you receive the canary addresses at (default: $WARDEN_CANARY_DOMAIN)',
    )
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action((o: Flags & { per: CanaryVariant; domain?: string }) =>
      withExistingDb(o.db, async (w) => {
        const domain = o.domain ?? process.env['WARDEN_CANARY_DOMAIN'];
        if (domain === undefined || domain === '')
          throw new UsageError(
            'give --domain DOMAIN (or WARDEN_CANARY_DOMAIN): a mail domain you control',
          );
        const report = await plantCanaries(w, { per: o.per, domain });
        io.out(o.json ? `${json(plantJson(report))}\n` : describePlant(report));
        return EXIT.ok;
      }).then(setCode),
    );

  canary
    .command('report')
    .description(
      'mail arrived at a canary address (or a relay alias of one): who could have leaked it, with proofs; exit 1 when someone is named',
    )
    .argument('<address>')
    .addOption(dbOption())
    .option('--json', 'machine-readable output, with every inclusion proof')
    .action((address: string, o: Flags) =>
      withExistingDb(o.db, async (w) => {
        const report = await reportCanary(w, address);
        io.out(o.json ? `${json(report)}\n` : describeReport(report));
        return report.suspects.some((s) => s.couldLeak) ? EXIT.finding : EXIT.ok;
      }).then(setCode),
    );
}

function plantJson(r: PlantReport): unknown {
  return {
    planted: r.planted.length,
    records: r.records,
    ledgerSize: r.ledgerSize,
    canaries: r.planted.map((c) => ({ per: c.per, for: c.for, address: c.address })),
  };
}

function describePlant(r: PlantReport): string {
  return [
    `${pc.green('✔')} planted ${r.planted.length} canaries (${r.records} directory records, ledger size ${r.ledgerSize}); the list of them is sealed`,
    table(
      ['for', 'canary address'],
      r.planted.map((c) => [`${c.per} ${c.for}`, c.address]),
    ),
    'a touch of any canary record is a critical alert (warden detect); mail to an address: warden canary report ADDRESS',
    '',
  ].join('\n');
}

function describeReport(r: CanaryReport): string {
  const out = [
    `${pc.bold(r.address)} is ${r.via === 'alias' ? 'a relay alias of ' : ''}the canary planted for ${r.canary.per} ${pc.bold(r.canary.for)} at ${r.canary.plantedAt}`,
  ];
  const leakers = r.suspects.filter((s) => s.couldLeak);
  out.push(
    leakers.length === 0
      ? 'nobody recorded could have had this address: the leak came another way (see docs/attribution.md, Limits)'
      : `could have leaked it: ${leakers.map((s) => pc.bold(s.employee)).join(', ')}`,
  );
  out.push(heading('who touched it'));
  out.push(
    r.suspects.length === 0
      ? 'no recorded access'
      : table(
          ['employee', 'strongest access', 'could leak', `in ${r.canary.per}`, 'accesses'],
          r.suspects.map((s) => [
            s.employee,
            s.strongest,
            s.couldLeak ? pc.red('yes') : 'no',
            s.inVariant ? 'yes' : pc.yellow('no'),
            s.accesses,
          ]),
        ),
  );
  if (r.accesses.length > 0) {
    out.push(heading(`accesses (each proved a leaf of the signed tree of size ${r.head.size})`));
    out.push(
      table(
        ['time', 'employee', 'action', 'outcome', 'ticket', 'event', 'leaf'],
        r.accesses.map((a) => [
          a.time,
          a.employee,
          a.action,
          a.outcome,
          a.ticket ?? '',
          a.eventId,
          a.proof.leaf,
        ]),
      ),
    );
  }
  out.push('proofs: --json (or warden ledger prove --record EVENT)', '');
  return out.join('\n');
}
