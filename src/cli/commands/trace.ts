import type { Command, Option } from 'commander';
import type { Io } from '../io.js';
import { withReadOnlyDb } from '../read-only.js';
import { traceExportCommand } from './trace-export.js';

/** `warden trace …`: name who leaked what. */
export function registerTraceCommands(
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  const trace = program.command('trace').description('name who leaked data, with the evidence');
  trace
    .command('export')
    .description(
      'name the recipients of fingerprinted exports a leaked table came from, with scores and the false-accusation bound; exit 1 when nobody is accused',
    )
    .argument('<leaked>', 'the leaked table (CSV)')
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action((file: string, o: { db?: string; json?: boolean }) =>
      withReadOnlyDb(o.db, (w) => traceExportCommand(w, file, o, io)).then(setCode),
    );
}
