import type { Store } from '../store/index.js';
import { consistencyProof, treeRoot } from './proofs.js';
import { LedgerError } from './errors.js';
import { StoredNodes } from './stored-nodes.js';
import type { TreeView } from './verify-against.js';

/**
 * The stored tree as a read-only view (roots and consistency proofs from the stored tiles),
 * for a verifier that holds only the verifier key: no signer key, no hashing thread, nothing
 * written. A missing tile is a typed `NODE_MISSING` error, never a wait.
 */
export async function storedTree(store: Store): Promise<TreeView> {
  const size = await store.ledger.size();
  const nodes = new StoredNodes(store);
  const within = (n: number): void => {
    if (!Number.isSafeInteger(n) || n < 0 || n > size)
      throw new LedgerError(
        'SIZE_OUT_OF_RANGE',
        `size ${n} is outside the stored tree of ${size} leaves`,
      );
  };
  return {
    size,
    rootAt: (n) => {
      within(n);
      return nodes.run((reader) => treeRoot(n, reader));
    },
    proveConsistency: (a, b) => {
      within(b);
      return nodes.run((reader) => consistencyProof(a, b, reader));
    },
  };
}
