import type { Command, Option } from 'commander';
import type { Io } from '../io.js';
import { mergeCommand } from './merge.js';
import { workerCommand, type WorkerFlags } from './worker.js';

/** `warden worker` and `warden merge`: the partitioned deployment (docs/operations.md). */
export function registerStreamCommands(
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  program
    .command('worker')
    .description(
      'consume partitions of the event stream into their ledgers (one per partition), until SIGINT/SIGTERM',
    )
    .requiredOption('--partitions <list>', 'the partitions to consume: 0,1 or 0-3')
    .addOption(dbOption())
    .option('--nats <url>', 'the NATS server (default: $WARDEN_NATS_URL)')
    .option('--stream <name>', 'the stream', 'warden')
    .option('--batch <n>', 'messages per atomic batch', '1000')
    .option(
      '--detect-every <n>',
      "bring each partition's detection up to date every N batches (0: never); it sees the partition's share of the directory only (warden merge sees it all)",
      '0',
    )
    .option('--drain', 'stop once the partitions have no message left')
    .option('--rejects <dir>', 'where invalid messages are written', '.')
    .action(async (o: WorkerFlags) => {
      setCode(await workerCommand(o, io));
    });

  program
    .command('merge')
    .description(
      "detection over every partition's ledger in the stream's order (rings and sellers cross partitions)",
    )
    .requiredOption('--partitions <list>', 'every partition of the stream: 0-3')
    .addOption(dbOption())
    .option('--org <file>', 'the org profile')
    .option('--json', 'events, risk and alerts (the shapes of warden risk/alerts --json)')
    .action(async (o: { partitions: string; db?: string; org?: string; json?: boolean }) => {
      setCode(await mergeCommand(o, io));
    });
}
