import type { AccessEvent } from '../domain/index.js';
import {
  LedgerError,
  openCheckpoint,
  recordLeafHash,
  verifyInclusion,
  type Ledger,
} from '../ledger/index.js';
import type { LeafEvent, Store } from '../store/index.js';
import { AttributeError } from './errors.js';

/** An RFC 9162 inclusion proof of one access, checked before it is shown (hashes in base64). */
export interface InclusionProof {
  readonly leaf: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly rootHash: string;
  readonly proof: readonly string[];
}

/** The signed head every proof of one answer is made against: its note lets anyone re-check. */
export interface SignedHead {
  readonly size: number;
  readonly rootHash: string;
  /** The C2SP signed note of the latest checkpoint, verifiable with the log's verifier key. */
  readonly checkpoint: string;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/**
 * Proves accesses against the latest signed checkpoint: each event's leaf hash is recomputed
 * from the stored row (RFC 9162 §2.1.1), its audit path read from the tiles and verified
 * against the signed root (§2.1.3.2). A row a database writer inserted, edited or moved does
 * not verify and is refused (`NOT_IN_LEDGER`): attribution never names someone on it.
 */
export class AccessProver {
  private head: { size: number; root: Buffer; note: string } | undefined;

  constructor(
    private readonly store: Store,
    private readonly ledger: Pick<Ledger, 'verifierKey' | 'proveInclusion'>,
  ) {}

  /** The signed head the proofs are against (read once per prover). */
  async signedHead(): Promise<SignedHead> {
    const h = await this.readHead();
    return { size: h.size, rootHash: b64(h.root), checkpoint: h.note };
  }

  /** The checked inclusion proof of one stored event. */
  async prove({ leaf, event }: LeafEvent): Promise<InclusionProof> {
    const head = await this.readHead();
    if (leaf >= head.size) throw notInLedger(event, leaf, `beyond the signed head (${head.size})`);
    const leafHash = recordLeafHash({ kind: 'event', body: event });
    try {
      const proof = await this.ledger.proveInclusion(leaf, head.size);
      verifyInclusion(leaf, head.size, leafHash, proof, head.root);
      return {
        leaf,
        treeSize: head.size,
        leafHash: b64(leafHash),
        rootHash: b64(head.root),
        proof: proof.map(b64),
      };
    } catch (cause) {
      if (!(cause instanceof LedgerError)) throw cause;
      throw notInLedger(event, leaf, `as stored it does not verify (${cause.code})`, cause);
    }
  }

  private async readHead(): Promise<{ size: number; root: Buffer; note: string }> {
    if (this.head) return this.head;
    const cp = await this.store.ledger.latestCheckpoint();
    if (!cp) throw new AttributeError('NOT_IN_LEDGER', 'the ledger has no signed checkpoint');
    try {
      const { checkpoint } = openCheckpoint(cp.note, [this.ledger.verifierKey()]);
      this.head = {
        size: Number(checkpoint.size),
        root: Buffer.from(checkpoint.rootHash),
        note: cp.note,
      };
      return this.head;
    } catch (cause) {
      throw new AttributeError(
        'NOT_IN_LEDGER',
        "the latest checkpoint does not verify with this ledger's key: run warden ledger verify",
        { cause },
      );
    }
  }
}

function notInLedger(e: AccessEvent, leaf: number, why: string, cause?: unknown): AttributeError {
  return new AttributeError(
    'NOT_IN_LEDGER',
    `event ${e.id} (leaf ${leaf}) is not a leaf of the signed ledger: ${why}; run warden ledger verify`,
    cause === undefined ? undefined : { cause },
  );
}
