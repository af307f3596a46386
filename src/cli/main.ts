import { Command, CommanderError, Option } from 'commander';
import { demoCommand } from './commands/demo.js';
import { ingestCommand } from './commands/ingest.js';
import { statsCommand } from './commands/stats.js';
import { registerLedgerCommands } from './commands/ledger.js';
import { EXIT, reportError } from './exit.js';
import { processIo, type Io } from './io.js';
import { withDb } from './wiring.js';

const dbOption = (): Option =>
  new Option('--db <path>', 'the database file (default: $WARDEN_DB, else ./warden.db)');

/**
 * The `warden` command. Returns the exit code: 0 ok, 1 a finding or a failed verification,
 * 2 a usage or input error.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('warden')
    .description('Warden: defend a marketplace against its own insiders')
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.out(t), writeErr: (t) => io.err(t) })
    .showHelpAfterError();

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
    .action(async (files: string[], o: { db?: string; skipInvalid?: boolean; json?: boolean }) => {
      code = await withDb(o.db, (w) => ingestCommand(w, files, o, io));
    });

  program
    .command('stats')
    .description('counts per kind, time span, employees per site and team')
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action(async (o: { db?: string; json?: boolean }) => {
      code = await withDb(o.db, (w) => statsCommand(w, o, io));
    });

  program
    .command('demo')
    .description(
      'the main job of `npm start`: import the bundled sample into a fresh database and report',
    )
    .addOption(
      new Option('--db <path>', 'where to build the demo database').default('warden-demo.db'),
    )
    .action(async (o: { db?: string }) => {
      code = await demoCommand(o, io);
    });

  registerLedgerCommands(program, dbOption, io, (c) => (code = c));

  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(error, (t) => io.err(t));
  }
}
