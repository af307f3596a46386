import { Command, CommanderError, Option } from 'commander';
import { SEVERITIES } from '../domain/index.js';
import type { PublishFlags } from './commands/publish.js';
import type { ServeFlags } from './commands/serve.js';
import { groupsFor, registerGroups } from './command-groups.js';
import { EXIT, reportError } from './exit.js';
import { processIo, type Io } from './io.js';
import { wardenVersion } from './package-root.js';
import { refuseTwoStores, selectPg } from './store-target.js';

// A command's modules load in its action (`import()`): start-up pays for the command it runs,
// not for every command's dependencies (the HTTP server, the guard's Cedar, the simulator…).
const wiring = () => import('./wiring.js');
const readOnly = () => import('./read-only.js');
const detect = () => import('./commands/detect.js');

const dbOption = (): Option =>
  new Option('--db <path>', 'the database file (default: $WARDEN_DB, else ./warden.db)');
const orgOption = (): Option =>
  new Option(
    '--org <file>',
    'the org profile: declared job functions (default: warden.org.json beside the database, if any)',
  );

/**
 * The `warden` command. Returns the exit code: 0 ok, 1 a finding or a failed verification,
 * 2 a usage or input error.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('warden')
    .description('Warden: defend a marketplace against its own insiders')
    .version(wardenVersion(), '-V, --version', "print Warden's version")
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.out(t), writeErr: (t) => io.err(t) })
    .showHelpAfterError()
    .option(
      '--pg <url>',
      'store on PostgreSQL: postgres://user@host:port/db?schema=NAME (default: $WARDEN_PG_URL; keys in $WARDEN_KEY_DIR)',
    );
  // any command's store: --pg before or after the command's name (store-target.ts)
  selectPg(undefined);
  program.hook('preAction', (_program, command) => {
    const pgUrl = program.opts<{ pg?: string }>().pg;
    refuseTwoStores(pgUrl, command.getOptionValueSource('db') === 'cli');
    selectPg(pgUrl);
  });

  program
    .command('ingest')
    .description(
      'import interchange v1 files (NDJSON, .ndjson.gz, or - for stdin), each as one atomic batch',
    )
    .argument('<files...>')
    .addOption(dbOption())
    .option(
      '--skip-invalid',
      'land the valid records and write invalid lines to FILE.rejects.ndjson',
    )
    .option('--json', 'print the import reports as JSON')
    .option(
      '--org <file>',
      'the org profile (default: warden.org.json beside the database, if any); its personalData section says which attrs are personal',
    )
    .option('--publish', 'validate, then publish to the event stream instead (docs/operations.md)')
    .option('--nats <url>', 'with --publish: the NATS server (default: $WARDEN_NATS_URL)')
    .option('--stream <name>', 'with --publish: the stream', 'warden')
    .option('--partition-count <n>', 'with --publish: partitions of a new stream (default 4)')
    .action(
      async (
        files: string[],
        o: { db?: string; skipInvalid?: boolean; json?: boolean; org?: string } & PublishFlags & {
            publish?: boolean;
          },
      ) => {
        if (o.publish)
          code = await (await import('./commands/publish.js')).publishCommand(files, o, io);
        else {
          const [{ withDb }, { ingestCommand }] = await Promise.all([
            wiring(),
            import('./commands/ingest.js'),
          ]);
          code = await withDb(o.db, (w) => ingestCommand(w, files, o, io));
        }
      },
    );

  program
    .command('serve')
    .description(
      'the HTTP API (docs/api.md) until SIGINT/SIGTERM, which finish in-flight requests first',
    )
    .addOption(dbOption())
    .addOption(orgOption())
    .option('--port <n>', 'the port', '8080')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--log-level <level>', 'pino log level (silent for none)', 'info')
    .option(
      '--publish',
      'POST /v1/ingest validates, then publishes to the event stream instead of importing (docs/operations.md)',
    )
    .option('--nats <url>', 'with --publish: the NATS server (default: $WARDEN_NATS_URL)')
    .option('--stream <name>', 'with --publish: the stream (default: warden)')
    .option('--partition-count <n>', 'with --publish: partitions of a new stream (default 4)')
    .action(async (o: ServeFlags & { db?: string }) => {
      const [{ withDb }, { serveCommand }] = await Promise.all([
        wiring(),
        import('./commands/serve.js'),
      ]);
      code = await withDb(o.db, (w) => serveCommand(w, o, io));
    });

  program
    .command('stats')
    .description('counts per kind, time span, employees per site and team')
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action(async (o: { db?: string; json?: boolean }) => {
      const [{ withReadOnlyDb }, { statsCommand }] = await Promise.all([
        readOnly(),
        import('./commands/stats.js'),
      ]);
      code = await withReadOnlyDb(o.db, (w) => statsCommand(w, o, io));
    });

  program
    .command('detect')
    .description(
      'run the detectors over everything stored and save the findings; exit 1 on an alert of medium or more',
    )
    .addOption(dbOption())
    .addOption(orgOption())
    .option('--json', 'machine-readable summary')
    .option('--full', 'ignore the saved detection state and replay the whole ledger')
    .action(async (o: { db?: string; json?: boolean; full?: boolean; org?: string }) => {
      // a long run's engine thread loads its modules while this one loads and opens the rest
      const early = (await import('./commands/detect-engine-start.js')).earlyEngine(
        o.db,
        o.full ?? false,
      );
      try {
        const [{ withDb }, { detectCommand }] = await Promise.all([wiring(), detect()]);
        code = await withDb(o.db, (w) => detectCommand(w, o, io, early));
      } finally {
        early?.stop();
      }
    });

  program
    .command('risk')
    .description('employees with a risk score above 0, highest first, with their reasons')
    .addOption(dbOption())
    .addOption(orgOption())
    .option(
      '--json',
      'the contract shape: [{ employeeId, score, reasons: [{ indicator, detail, events }] }]',
    )
    .option('--limit <n>', 'rows in the table', '25')
    .action(async (o: { db?: string; json?: boolean; limit?: string; org?: string }) => {
      const [{ withExistingDb }, { riskCommand }] = await Promise.all([readOnly(), detect()]);
      code = await withExistingDb(o.db, (w) => riskCommand(w, o, io));
    });

  program
    .command('alerts')
    .description('alerts in event-time order; exit 1 when any is shown')
    .addOption(dbOption())
    .addOption(orgOption())
    .option(
      '--json',
      'the contract shape: [{ id, employeeId, detector, severity, eventTime, sellerIds, events, summary }]',
    )
    .addOption(
      new Option('--severity <level>', 'show this severity and above')
        .choices(SEVERITIES)
        .default('low'),
    )
    .action(async (o: { db?: string; json?: boolean; severity?: string; org?: string }) => {
      const [{ withExistingDb }, { alertsCommand }] = await Promise.all([readOnly(), detect()]);
      code = await withExistingDb(o.db, (w) => alertsCommand(w, o, io));
    });

  program
    .command('sellers')
    .description(
      'sellers by what employees gave them without purpose: removals, rating lift, look-ups, rings',
    )
    .addOption(dbOption())
    .addOption(orgOption())
    .option('--json', 'machine-readable output')
    .option('--limit <n>', 'rows in the table', '25')
    .action(async (o: { db?: string; json?: boolean; limit?: string; org?: string }) => {
      const [{ withExistingDb }, { sellersCommand }] = await Promise.all([readOnly(), detect()]);
      code = await withExistingDb(o.db, (w) => sellersCommand(w, o, io));
    });

  program
    .command('explain')
    .description(
      "an employee's reasons, alerts, a timeline of the cited events and the baselines they left",
    )
    .argument('<employee>')
    .addOption(dbOption())
    .addOption(orgOption())
    .option('--json', 'machine-readable output')
    .action(async (employee: string, o: { db?: string; json?: boolean; org?: string }) => {
      const [{ withExistingDb }, { explainCommand }] = await Promise.all([
        readOnly(),
        import('./commands/explain.js'),
      ]);
      code = await withExistingDb(o.db, (w) => explainCommand(w, employee, o, io));
    });

  program
    .command('profile')
    .description(
      'what detection learned per peer group (members, norms per behaviour) and the declared job functions',
    )
    .addOption(dbOption())
    .addOption(orgOption())
    .option('--json', 'machine-readable output')
    .action(async (o: { db?: string; json?: boolean; org?: string }) => {
      const [{ withExistingDb }, { profileCommand }] = await Promise.all([
        readOnly(),
        import('./commands/profile.js'),
      ]);
      code = await withExistingDb(o.db, (w) => profileCommand(w, o, io));
    });

  program
    .command('eval')
    .description('ingest a simulation into a fresh database, detect, and score against its labels')
    .argument('<dir>', 'a directory written by warden simulate')
    .option('--db <path>', 'a new database file to build (default: DIR/eval.db, rebuilt each run)')
    .option(
      '--risk <file>',
      'score these findings (warden risk --json shape) instead of Warden’s detectors',
    )
    .option('--alerts <file>', 'with --risk: the alerts (warden alerts --json shape)')
    .option('--json', 'machine-readable output')
    .action(
      async (dir: string, o: { db?: string; risk?: string; alerts?: string; json?: boolean }) => {
        code = await (await import('./commands/eval.js')).evalCommand(dir, o, io);
      },
    );

  // the commands other modules register: only the group named, unless help lists them all
  const builtIn = new Set(program.commands.map((c) => c.name()));
  try {
    await registerGroups(groupsFor(argv, builtIn), program, dbOption, io, (c) => (code = c));
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return await reportError(error, (t) => io.err(t));
  }
}
