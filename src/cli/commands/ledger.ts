import { readFileSync, writeFileSync } from 'node:fs';
import type { Command, Option } from 'commander';
import pc from 'picocolors';
import {
  LedgerError,
  parseCheckpoint,
  verifyInclusion,
  verifyLedger,
  openNote,
  type VerifyReport,
} from '../../ledger/index.js';
import { checkAliasIndex } from '../../guard/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { json, table } from '../render.js';
import { withDb, type Wired } from '../wiring.js';

type Db = { db?: string; json?: boolean };
const b64 = (b: Buffer): string => b.toString('base64');

/** `warden ledger …`: checkpoints, proofs, verification. */
export function registerLedgerCommands(
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  const ledger = program.command('ledger').description('the tamper-evident log of every record');
  const run = (o: Db, f: (w: Wired) => Promise<number>): Promise<void> =>
    withDb(o.db, f).then(setCode);

  ledger
    .command('checkpoint')
    .description('sign and store a checkpoint of the current head')
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action((o: Db) =>
      run(o, async (w) => {
        const tx = await w.store.begin();
        try {
          const cp = await w.ledger.checkpoint(tx, w.now());
          await tx.commit();
          io.out(
            o.json
              ? `${json({ size: cp.size, rootHash: b64(cp.rootHash), note: cp.note })}\n`
              : cp.note,
          );
          return EXIT.ok;
        } catch (error) {
          await tx.rollback();
          throw error;
        }
      }),
    );

  ledger
    .command('export-checkpoint')
    .description(
      'print (or write) the latest signed checkpoint and the verifier key, for an outside witness',
    )
    .addOption(dbOption())
    .option('--out <file>', 'write the checkpoint note to this file')
    .option('--json', 'machine-readable output')
    .action((o: Db & { out?: string }) =>
      run(o, async (w) => {
        const cp = await w.store.ledger.latestCheckpoint();
        if (!cp)
          throw new UsageError(
            'the ledger has no checkpoint yet: ingest something or run `warden ledger checkpoint`',
          );
        if (o.out !== undefined) writeFileSync(o.out, cp.note);
        const out = {
          size: cp.size,
          rootHash: b64(cp.rootHash),
          note: cp.note,
          verifierKey: w.ledger.verifierKey(),
        };
        io.out(o.json ? `${json(out)}\n` : `${cp.note}\nverifier key: ${out.verifierKey}\n`);
        return EXIT.ok;
      }),
    );

  ledger
    .command('prove')
    .description('an inclusion proof for one record, by record id or leaf index')
    .addOption(dbOption())
    .option('--record <id>', 'an event id, or kind:key of a directory record (e.g. employee:e-17)')
    .option('--index <n>', 'a leaf index')
    .option('--checkpoint <file>', 'prove against the tree size of this signed checkpoint')
    .option('--json', 'machine-readable output')
    .action((o: Db & { record?: string; index?: string; checkpoint?: string }) =>
      run(o, async (w) => {
        const index = await resolveIndex(w, o);
        const { size, root } = await proofTarget(w, o.checkpoint);
        const proof = await w.ledger.proveInclusion(index, size);
        const leaf = await w.ledger.leafHashAt(index);
        verifyInclusion(index, size, leaf, proof, root);
        const out = {
          index,
          treeSize: size,
          leafHash: b64(leaf),
          rootHash: b64(root),
          proof: proof.map(b64),
        };
        io.out(
          o.json
            ? `${json(out)}\n`
            : `${pc.green('✔')} leaf ${index} is in the tree of size ${size} (root ${out.rootHash})\n${out.proof.map((h, i) => `  ${i}: ${h}`).join('\n')}\n`,
        );
        return EXIT.ok;
      }),
    );

  ledger
    .command('consistency')
    .description('a consistency proof between two tree sizes')
    .argument('<old>', 'the older tree size')
    .argument('<new>', 'the newer tree size')
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action((oldText: string, newText: string, o: Db) =>
      run(o, async (w) => {
        const size1 = parseCount(oldText, 'OLD');
        const size2 = parseCount(newText, 'NEW');
        const proof = await w.ledger.proveConsistency(size1, size2);
        const out = {
          size1,
          size2,
          root1: b64(await w.ledger.rootAt(size1)),
          root2: b64(await w.ledger.rootAt(size2)),
          proof: proof.map(b64),
        };
        io.out(
          o.json
            ? `${json(out)}\n`
            : `${table(
                ['size', 'root'],
                [
                  [size1, out.root1],
                  [size2, out.root2],
                ],
              )}\nproof:\n${out.proof.map((h, i) => `  ${i}: ${h}`).join('\n')}\n`,
        );
        return EXIT.ok;
      }),
    );

  ledger
    .command('verify')
    .description(
      'recompute every leaf, interior hash, root and checkpoint; report the first index that differs',
    )
    .addOption(dbOption())
    .option(
      '--against <file>',
      'also hold the log to this exported checkpoint (catches a truncated tail)',
    )
    .option('--json', 'machine-readable output')
    .action((o: Db & { against?: string }) =>
      run(o, async (w) => {
        const against = o.against === undefined ? undefined : readNote(o.against);
        const ledgerReport = await verifyLedger(
          w.store,
          w.ledger.verifierKey(),
          against === undefined ? {} : { against },
        );
        const report = await withGuardIndexes(w, ledgerReport);
        io.out(o.json ? `${json(report)}\n` : renderVerify(report));
        return report.ok ? EXIT.ok : EXIT.finding;
      }),
    );
}

async function resolveIndex(w: Wired, o: { record?: string; index?: string }): Promise<number> {
  if ((o.record === undefined) === (o.index === undefined))
    throw new UsageError('give exactly one of --record ID or --index N');
  if (o.index !== undefined) return parseCount(o.index, '--index');
  const leaf = await w.store.ledger.leafOf(o.record ?? '');
  if (leaf === undefined)
    throw new UsageError(
      `no record ${o.record ?? ''} in the ledger (directory records are kind:key)`,
    );
  return leaf;
}

async function proofTarget(
  w: Wired,
  checkpointFile: string | undefined,
): Promise<{ size: number; root: Buffer }> {
  if (checkpointFile === undefined) return { size: w.ledger.size, root: w.ledger.root() };
  const cp = parseCheckpoint(openNote(readNote(checkpointFile), [w.ledger.verifierKey()]).text);
  const size = Number(cp.size);
  const root = await w.ledger.rootAt(size);
  if (!root.equals(cp.rootHash))
    throw new LedgerError(
      'CONSISTENCY_PROOF_MISMATCH',
      `${checkpointFile} signs another root for size ${size} than this ledger has`,
    );
  return { size, root };
}

function readNote(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

function parseCount(text: string, what: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw new UsageError(`${what} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * The guard's indexes, cross-checked against the ledger after the ledger itself (see
 * `checkAliasIndex`): their problems join the report in the same shape.
 */
async function withGuardIndexes(w: Wired, report: VerifyReport): Promise<VerifyReport> {
  const aliases = await checkAliasIndex(w.store, w.aliases);
  if (aliases.problems.length === 0) return report;
  const first = Math.min(...aliases.problems.map((p) => (p.index < 0 ? Infinity : p.index)));
  return {
    ...report,
    ok: false,
    // same shape as the ledger's problems; the codes are the guard's (ALIAS_INDEX_…)
    problems: [...report.problems, ...(aliases.problems as unknown as VerifyReport['problems'])],
    ...(report.firstBadIndex === undefined && Number.isFinite(first)
      ? { firstBadIndex: first }
      : {}),
  };
}

function renderVerify(r: VerifyReport): string {
  const head = r.ok
    ? `${pc.green('✔ ledger verified')}: ${r.size.toLocaleString('en-US')} leaves, root ${r.rootHash}`
    : `${pc.red('✘ ledger does not verify')}: first difference at index ${r.firstBadIndex ?? '?'}`;
  const facts = table(
    ['records recomputed', 'tiles compared', 'checkpoints checked'],
    [[r.recordsChecked, r.tilesChecked, r.checkpointsChecked]],
  );
  const problems =
    r.problems.length === 0
      ? ''
      : `\n${table(
          ['index', 'problem', 'detail'],
          r.problems.map((p) => [p.index, p.code, p.message]),
        )}`;
  return `${head}\n${facts}${problems}\n`;
}
