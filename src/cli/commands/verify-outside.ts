import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseCheckpointLog,
  parseCosignerVerifierKey,
  verifyAgainst,
  type CheckpointLogEntry,
  type TreeView,
  type VerifyReport,
} from '../../ledger/index.js';
import { UsageError } from '../exit.js';
import { keyFile } from '../paths.js';
import { readTextFile, wholeNumber } from '../read-input.js';

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
  tree: TreeView,
  where: { readonly keyDir: string; readonly verifierKey: string },
  report: VerifyReport,
  o: OutsideOptions,
): Promise<VerifyReport & { outside?: OutsideSummary }> {
  for (const key of o.witness) assertWitnessKey(key);
  const minWitnesses =
    o.minWitnesses === undefined ? 0 : wholeNumber(o.minWitnesses, '--min-witnesses');
  if (minWitnesses > o.witness.length)
    throw new UsageError(
      `--min-witnesses ${minWitnesses} is more than the ${o.witness.length} --witness keys given`,
    );
  const sources = [...o.against];
  const cosigned = keyFile(where.keyDir, 'cosigned.log');
  if (o.witness.length > 0 && existsSync(cosigned)) sources.push(cosigned);
  if (sources.length === 0) {
    if (minWitnesses > 0)
      throw new UsageError(
        '--min-witnesses needs cosigned checkpoints: --against FILE or `ledger add-cosignatures`',
      );
    return report;
  }
  const entries = sources.flatMap(readOutsideCheckpoints);
  const outside = await verifyAgainst(tree, entries, where.verifierKey, {
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
  if (!statSync(path).isDirectory()) return parseCheckpointLog(readTextFile(path), path);
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.note'))
    .sort();
  if (files.length === 0) throw new UsageError(`${path} holds no .note checkpoint files`);
  return files.flatMap((f) => parseCheckpointLog(readTextFile(join(path, f)), join(path, f)));
}

/** A `--witness` value must be a cosignature/v1 verifier key: a usage error otherwise. */
export function assertWitnessKey(vkey: string): void {
  try {
    parseCosignerVerifierKey(vkey);
  } catch (error) {
    throw new UsageError(
      `--witness ${JSON.stringify(vkey)} is not a witness verifier key (<name>+<id>+<base64(0x04 ‖ key)>): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
