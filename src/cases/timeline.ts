import type { AccessEvent, Alert } from '../domain/index.js';
import { openCheckpoint, recordLeafHash, verifyInclusion } from '../ledger/index.js';
import type { LeafEvent } from '../store/index.js';
import { CaseError } from './errors.js';
import { subjectMask } from './mask.js';
import type { CaseDeps } from './record.js';
import { lookAtCase, type CaseView } from './view.js';

/** One event of a case's timeline, with its RFC 9162 inclusion proof. */
export interface TimelineEntry {
  readonly leaf: number;
  /** The event as stored (employees pseudonymous unless the case is revealed). */
  readonly event: AccessEvent;
  /** Hex leaf hash of the event as stored. */
  readonly leafHash: string;
  /** Hex audit path from the leaf to the checkpoint's root (RFC 9162 §2.1.3.1). */
  readonly proof: readonly string[];
}

/** The timeline of a case: its events in ledger order, proved against one signed checkpoint. */
export interface Timeline {
  readonly view: CaseView;
  /** The signed checkpoint note every proof is against. */
  readonly checkpoint: string;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly entries: readonly TimelineEntry[];
  /** The events exactly as stored (for a bundle; unmasked), by leaf. */
  readonly raw: readonly LeafEvent[];
}

/**
 * Every event of a case's subjects (employees as actors; sellers as targets, and the
 * sellers' products and reviews as the directory has them now) and of its alerts' citations, each proved to be a leaf of the tree that the latest signed checkpoint
 * commits to; a proof that fails is an integrity error, never a quiet gap.
 */
export async function caseTimeline(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  purpose: 'timeline' | 'export' = 'timeline',
): Promise<Timeline> {
  const { view, employees } = await lookAtCase(deps, caseId, actor, purpose);
  const sellers = view.subjects.filter((s) => s.kind === 'seller').map((s) => s.ref);
  const events = await gather(deps, employees, sellers, await citedEvents(deps, caseId));
  const head = await signedHead(deps);
  const entries: TimelineEntry[] = [];
  const mask = view.revealed ? <T>(v: T): T => v : subjectMask(deps.pseudonyms, caseId, employees);
  for (const { leaf, event } of events) {
    if (leaf >= head.size) continue; // not yet under a checkpoint: nothing to prove it with
    const hash = recordLeafHash({ kind: 'event', body: event });
    const proof = await deps.ledger.proveInclusion(leaf, head.size);
    verifyInclusion(leaf, head.size, hash, proof, head.root);
    entries.push({
      leaf,
      event: mask(event),
      leafHash: hash.toString('hex'),
      proof: proof.map((p) => Buffer.from(p).toString('hex')),
    });
  }
  return {
    view,
    checkpoint: head.note,
    treeSize: head.size,
    rootHash: head.root.toString('hex'),
    entries,
    raw: events.filter((e) => e.leaf < head.size),
  };
}

async function citedEvents(deps: CaseDeps, caseId: string): Promise<string[]> {
  return (await deps.store.cases.members(caseId))
    .filter((m) => m.kind === 'alert' && m.detail !== undefined)
    .flatMap((m) => [...(JSON.parse(m.detail ?? '{}') as Alert).events]);
}

async function gather(
  deps: CaseDeps,
  employees: readonly string[],
  sellers: readonly string[],
  cited: readonly string[],
): Promise<LeafEvent[]> {
  const found = new Map<number, LeafEvent>();
  const { products, reviews } = await deps.store.cases.catalogueOf(sellers);
  // ids are matched by type too: a review id that happens to equal another seller's id (or a
  // product's) brings no event about that other record
  const targets = new Set([
    ...sellers.map((s) => `seller\u0000${s}`),
    ...products.map((p) => `product\u0000${p}`),
    ...reviews.map((r) => `review\u0000${r}`),
  ]);
  const ids = [...new Set([...sellers, ...products, ...reviews])];
  const actors = new Set(employees);
  for (const e of await deps.store.cases.eventsAbout(employees, ids)) {
    const about = targets.has(`${e.event.target.type}\u0000${e.event.target.id}`);
    if (about || actors.has(e.event.actor)) {
      found.set(e.leaf, e);
    }
  }
  const byId = await deps.store.events.byIds(cited);
  for (const [id, event] of byId) {
    const leaf = await deps.store.ledger.leafOf(id);
    if (leaf !== undefined) found.set(leaf, { leaf, event });
  }
  return [...found.values()].sort((a, b) => a.leaf - b.leaf);
}

async function signedHead(deps: CaseDeps): Promise<{ size: number; root: Buffer; note: string }> {
  const cp = await deps.store.ledger.latestCheckpoint();
  if (!cp) throw new CaseError('INPUT_INVALID', 'the ledger has no signed checkpoint yet');
  const { checkpoint } = openCheckpoint(cp.note, [deps.ledger.verifierKey()]);
  return { size: Number(checkpoint.size), root: Buffer.from(checkpoint.rootHash), note: cp.note };
}
