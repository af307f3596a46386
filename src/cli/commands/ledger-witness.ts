import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import {
  FileCheckpointSink,
  LedgerError,
  formatAddCheckpoint,
  openNote,
  parseAddCheckpoint,
  parseCheckpointLog,
  parseCosignerVerifierKey,
  countCosignatures,
  verifyAgainst,
  type CheckpointLogEntry,
  type VerifyReport,
} from '../../ledger/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { keyFile } from '../paths.js';
import type { Wired } from '../wiring.js';

type Db = { db?: string; json?: boolean };
type Run = (o: Db, f: (w: Wired) => Promise<number>) => Promise<void>;

/** `warden ledger witness-request` and `warden ledger add-cosignatures`. */
export function registerLedgerWitnessCommands(
  ledger: Command,
  dbOption: () => Option,
  io: Io,
  run: Run,
): void {
  ledger
    .command('witness-request')
    .description(
      'a C2SP tlog-witness add-checkpoint request: the latest checkpoint and a consistency proof from OLD',
    )
    .requiredOption(
      '--old <size>',
      "the size of the witness's latest cosigned checkpoint (0 at first)",
    )
    .addOption(dbOption())
    .action((o: Db & { old: string }) =>
      run(o, async (w) => {
        const cp = await w.store.ledger.latestCheckpoint();
        if (!cp) throw new UsageError('the ledger has no checkpoint yet');
        const oldSize = parseSize(o.old, '--old');
        if (oldSize > cp.size)
          throw new UsageError(`--old ${oldSize} is above the latest checkpoint's size ${cp.size}`);
        const proof = oldSize === 0 ? [] : await w.ledger.proveConsistency(oldSize, cp.size);
        io.out(formatAddCheckpoint({ oldSize, proof, note: cp.note }));
        return EXIT.ok;
      }),
    );

  ledger
    .command('add-cosignatures')
    .description(
      "store a witness's cosignatures beside the checkpoint log (<keydir>/cosigned.log), after checking them",
    )
    .requiredOption('--request <file>', 'the request given to the witness')
    .requiredOption('--response <file>', "the witness's answer: cosignature lines")
    .requiredOption('--witness <vkey>', 'the witness verifier key', collect, [])
    .addOption(dbOption())
    .action((o: Db & { request: string; response: string; witness: string[] }) =>
      run(o, async (w) => {
        const { note } = parseAddCheckpoint(readText(o.request));
        const cosigned = `${note}${readText(o.response)}`;
        const { text, unverified } = openNote(cosigned, [w.ledger.verifierKey()]);
        const count = countCosignatures(text, unverified, o.witness);
        if (count < o.witness.length)
          throw new LedgerError(
            'NO_VERIFIED_SIGNATURE',
            `${o.response} holds cosignatures of ${count} of the ${o.witness.length} witnesses given`,
          );
        const keep = unverified.filter((s) =>
          o.witness.some((v) => {
            const k = parseCosignerVerifierKey(v);
            return k.name === s.name && k.keyId === s.keyId;
          }),
        );
        const lines = keep.map((s) => `\u2014 ${s.name} ${s.base64}\n`).join('');
        await new FileCheckpointSink(keyFile(w.keyDir, 'cosigned.log')).append(`${note}${lines}`);
        io.out(`stored ${keep.length} cosignature(s) in ${keyFile(w.keyDir, 'cosigned.log')}\n`);
        return EXIT.ok;
      }),
    );
}

/** What the checks outside the database add to a verify report. */
export interface OutsideSummary {
  readonly checked: number;
  readonly firstDisagreeing?: string;
  readonly witnessedSize?: number;
}

/** The verify options that reach outside the database. */
export interface OutsideOptions {
  readonly against: string[];
  readonly witness: string[];
  readonly minWitnesses?: string;
}

/**
 * Adds the checks against checkpoints kept outside the database to a `verifyLedger` report:
 * every `--against` log, note or directory, and with `--witness`, `<keydir>/cosigned.log`.
 */
export async function verifyOutside(
  w: Wired,
  report: VerifyReport,
  o: OutsideOptions,
): Promise<VerifyReport & { outside?: OutsideSummary }> {
  const minWitnesses =
    o.minWitnesses === undefined ? 0 : parseSize(o.minWitnesses, '--min-witnesses');
  if (minWitnesses > o.witness.length)
    throw new UsageError(
      `--min-witnesses ${minWitnesses} is more than the ${o.witness.length} --witness keys given`,
    );
  const sources = [...o.against];
  const cosigned = keyFile(w.keyDir, 'cosigned.log');
  if (o.witness.length > 0 && existsSync(cosigned)) sources.push(cosigned);
  if (sources.length === 0) {
    if (minWitnesses > 0)
      throw new UsageError(
        '--min-witnesses needs cosigned checkpoints: --against FILE or `ledger add-cosignatures`',
      );
    return report;
  }
  const entries = sources.flatMap(readOutsideCheckpoints);
  const outside = await verifyAgainst(w.ledger, entries, w.ledger.verifierKey(), {
    witnesses: o.witness,
    minWitnesses,
  });
  const problems = [...report.problems, ...outside.problems].sort((a, b) => a.index - b.index);
  const { firstBadIndex: _f, ...rest } = report;
  return {
    ...rest,
    ok: problems.length === 0,
    checkpointsChecked: report.checkpointsChecked + outside.checked,
    problems,
    ...(problems[0] ? { firstBadIndex: problems[0].index } : {}),
    outside: {
      checked: outside.checked,
      ...(outside.firstDisagreeing === undefined
        ? {}
        : { firstDisagreeing: outside.firstDisagreeing }),
      ...(outside.witnessedSize === undefined ? {} : { witnessedSize: outside.witnessedSize }),
    },
  };
}

/** A checkpoint log, a single exported note, or a directory of `*.note` files. */
export function readOutsideCheckpoints(path: string): CheckpointLogEntry[] {
  if (!existsSync(path)) throw new UsageError(`cannot read ${path}`);
  if (!statSync(path).isDirectory()) return parseCheckpointLog(readText(path), path);
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.note'))
    .sort();
  if (files.length === 0) throw new UsageError(`${path} holds no .note checkpoint files`);
  return files.flatMap((f) => parseCheckpointLog(readText(join(path, f)), join(path, f)));
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

function parseSize(text: string, what: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw new UsageError(`${what} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}
