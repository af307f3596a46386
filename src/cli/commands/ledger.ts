import { writeFileSync } from 'node:fs';
import type { Command, Option } from 'commander';
import pc from 'picocolors';
import { LedgerError, parseCheckpoint, verifyInclusion, openNote } from '../../ledger/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { json, table } from '../render.js';
import { withDb, type Wired } from '../wiring.js';
import { withReadOnlyDb, type ReadWired } from '../read-only.js';
import { signedHead, verifyCommand, type VerifyFlags } from './ledger-verify.js';
import { collect, registerLedgerWitnessCommands } from './ledger-witness.js';
import { readTextFile, wholeNumber } from '../read-input.js';

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
  const read = (o: Db, f: (w: ReadWired) => Promise<number>): Promise<void> =>
    withReadOnlyDb(o.db, f).then(setCode);

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
          await w.ledger.publish();
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
      read(o, async (w) => {
        const cp = await signedHead(w);
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
      read(o, async (w) => {
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
      read(o, async (w) => {
        const size1 = wholeNumber(oldText, 'OLD');
        const size2 = wholeNumber(newText, 'NEW');
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
      'also hold the log to checkpoints kept outside the database: the checkpoint log, an exported checkpoint, or a directory of them (repeatable)',
      collect,
      [],
    )
    .option(
      '--key <file|key>',
      'the verifier key (as export-checkpoint prints it), a file holding it, or a key folder (default: the database’s key folder)',
    )
    .option('--witness <vkey>', 'a witness verifier key (repeatable)', collect, [])
    .option('--min-witnesses <k>', 'require a checkpoint cosigned by k of the witnesses')
    .option('--json', 'machine-readable output')
    .action((o: VerifyFlags) => verifyCommand(o, io).then(setCode));

  registerLedgerWitnessCommands(ledger, dbOption, io, run);
}

async function resolveIndex(w: ReadWired, o: { record?: string; index?: string }): Promise<number> {
  if ((o.record === undefined) === (o.index === undefined))
    throw new UsageError('give exactly one of --record ID or --index N');
  if (o.index !== undefined) return wholeNumber(o.index, '--index');
  const leaf = await w.store.ledger.leafOf(o.record ?? '');
  if (leaf === undefined)
    throw new UsageError(
      `no record ${o.record ?? ''} in the ledger (directory records are kind:key)`,
    );
  return leaf;
}

async function proofTarget(
  w: ReadWired,
  checkpointFile: string | undefined,
): Promise<{ size: number; root: Buffer }> {
  if (checkpointFile === undefined) return { size: w.ledger.size, root: w.ledger.root() };
  const cp = parseCheckpoint(openNote(readTextFile(checkpointFile), [w.ledger.verifierKey()]).text);
  const size = Number(cp.size);
  const root = await w.ledger.rootAt(size);
  if (!root.equals(cp.rootHash))
    throw new LedgerError(
      'CONSISTENCY_PROOF_MISMATCH',
      `${checkpointFile} signs another root for size ${size} than this ledger has`,
    );
  return { size, root };
}
