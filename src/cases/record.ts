import { randomUUID } from 'node:crypto';
import type { AccessEvent, Attrs } from '../domain/index.js';
import type { Recorder, StepDecision, StepRequest } from '../guard/index.js';
import type { Store, StoreTransaction } from '../store/index.js';
import type { CasePseudonyms } from '../privacy/index.js';
import type { Ledger } from '../ledger/index.js';

/** What the cases context is built from (wired in one place per program). */
export interface CaseDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly recorder: Recorder;
  /** Decides each step by the policies in force (the guard's `decideStep`). */
  readonly authority: { decideStep(req: StepRequest): Promise<StepDecision> };
  readonly pseudonyms: CasePseudonyms;
  readonly now: () => string;
}

/** A fresh, unguessable id: `prefix-uuid`. */
export function newCaseId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * The interchange event that records an investigator's step (`x-case.*`, `x-alert.*`):
 * the ledger holds who looked at or changed what, when, as it holds every other action.
 * Target ids are prefixed (`case:…`, `alert:…`) so that they never collide with a seller's id
 * in a timeline.
 */
export function caseEvent(input: {
  actor: string;
  action: `x-${string}`;
  target: string;
  time: string;
  attrs?: Attrs;
}): AccessEvent {
  return {
    id: newCaseId('w'),
    time: input.time,
    actor: input.actor,
    action: input.action,
    target: { type: 'dataset', id: input.target },
    outcome: 'allowed',
    ...(input.attrs === undefined ? {} : { attrs: input.attrs }),
  };
}

/** One event of a step and the state it changes. */
export interface StepWrite {
  readonly event: AccessEvent;
  readonly state?: (tx: StoreTransaction) => Promise<void>;
}

/** Writes several events and their state changes in one transaction: all or nothing. */
export async function recordAll(deps: CaseDeps, writes: readonly StepWrite[]): Promise<void> {
  await deps.recorder.writeAll(writes);
}

/** Writes the event and the state change in one transaction, with a signed checkpoint. */
export async function record(
  deps: CaseDeps,
  event: AccessEvent,
  state?: (tx: StoreTransaction) => Promise<void>,
): Promise<void> {
  await deps.recorder.write({ event, ...(state ? { state } : {}) });
}
