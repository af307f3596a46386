/** Test-only: a synthetic signed log and a witness key, for the witness and verify tests. */
import { formatCheckpoint } from './checkpoint.js';
import { generateCosignerKey, parseCosignerKey, type Cosigner } from './cosigner-keys.js';
import { generateSignerKey, verifierKeyFromSigner } from './note-keys.js';
import { consistencyProof } from './proofs.js';
import { signNote } from './signed-note.js';
import { MemoryTiles, syntheticLeaf } from './test-support.js';
import { TileWriter } from './tile-writer.js';
import type { TreeView } from './verify-against.js';

/**
 * A log of `size` synthetic leaves (leaf i is `syntheticLeaf(i + offset)`: another offset is
 * another history) with a signer key: signed notes and consistency proofs of any prefix.
 */
export function syntheticLog(
  size: number,
  name = 'example.com/log',
  skey = generateSignerKey(name),
  offset = 0,
) {
  const writer = new TileWriter();
  const store = new MemoryTiles();
  const roots = [writer.root()];
  for (let i = 0; i < size; i++) {
    writer.append(syntheticLeaf(i + offset));
    roots.push(writer.root());
  }
  store.save(writer.takeDirtyTiles());
  const note = (n: number): string =>
    signNote(formatCheckpoint({ origin: name, size: n, rootHash: roots[n] as Buffer }), [skey]);
  const proof = (from: number, to: number): Buffer[] => consistencyProof(from, to, store.reader());
  const tree: TreeView = {
    size,
    rootAt: (n) => Promise.resolve(Buffer.from(roots[n] as Buffer)),
    proveConsistency: (a, b) => Promise.resolve(proof(a, b)),
  };
  return { name, skey, vkey: verifierKeyFromSigner(skey), roots, note, proof, tree };
}

/** A fresh witness key. */
export function syntheticWitness(name = 'witness.example/w1'): Cosigner {
  return parseCosignerKey(generateCosignerKey(name));
}
