import { PrivacyError, type Vault } from '../privacy/index.js';
import { CaseError } from './errors.js';
import { assertActiveEmployee, assertNotSubject, caseOrThrow, text } from './guards.js';
import { authorise, caseResource, personResources } from './authorise.js';
import { caseEvent, record, type CaseDeps } from './record.js';

/**
 * Puts a case under legal hold: the personal data of its subjects (employees, sellers,
 * reviewers) cannot be erased while it stands (`Vault.erase` refuses, `SUBJECT_HELD`).
 * Records are never purged by Warden (the ledger commits to them), so the hold's work is
 * to keep the keys that make them readable.
 */
export async function hold(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  reason: string,
): Promise<void> {
  const current = await caseOrThrow(deps, caseId);
  if (current.heldAt) throw new CaseError('INPUT_INVALID', `case ${caseId} is under hold already`);
  const why = text(reason, '--reason', 500);
  const time = deps.now();
  const event = await authorise(
    deps,
    caseEvent({
      actor,
      action: 'x-case.hold',
      target: `case:${caseId}`,
      time,
      attrs: { reason: why },
    }),
    'case.hold',
    await caseResource(deps, caseId),
    'hold',
  );
  await assertNotSubject(deps, caseId, actor);
  await assertActiveEmployee(deps, actor);
  await record(deps, event, (tx) => tx.putCase({ ...current, heldAt: time, heldBy: actor }));
}

/** What a release did to the erasures that waited for it. */
export interface ReleaseResult {
  /** Subjects whose waiting erasure was carried out now. */
  readonly erased: readonly string[];
  /** Subjects whose erasure still waits for another case's hold. */
  readonly stillHeld: readonly string[];
}

/** Releases the hold, then carries out each waiting erasure no other hold still blocks. */
export async function releaseHold(
  deps: CaseDeps,
  vault: Vault,
  caseId: string,
  actor: string,
): Promise<ReleaseResult> {
  const current = await caseOrThrow(deps, caseId);
  if (!current.heldAt) throw new CaseError('INPUT_INVALID', `case ${caseId} is not under hold`);
  const { heldAt: _at, heldBy: _by, ...released } = current;
  const event = await authorise(
    deps,
    caseEvent({ actor, action: 'x-case.release', target: `case:${caseId}`, time: deps.now() }),
    'case.hold',
    await caseResource(deps, caseId),
    'release',
  );
  await assertNotSubject(deps, caseId, actor);
  await assertActiveEmployee(deps, actor);
  await record(deps, event, (tx) => tx.putCase(released));
  const erased: string[] = [];
  const stillHeld: string[] = [];
  for (const waiting of await deps.store.cases.erasureRequests()) {
    // carryOut looks for holds in the step that destroys the key: held, it leaves the request
    const holds = await carryOut(deps, vault, waiting.subject, waiting.requestedBy, {
      waitedFor: caseId,
    });
    (holds.length > 0 ? stillHeld : erased).push(waiting.subject);
  }
  return { erased, stillHeld };
}

/** What became of an erasure request. */
export type ErasureOutcome =
  | { readonly erased: true; readonly subject: string }
  | { readonly erased: false; readonly subject: string; readonly waitingFor: readonly string[] };

/**
 * Erases a person's personal data (destroys their data key; GDPR Art. 17). It is the guarded
 * action `privacy.erase` on the person as the directory has them (`policies/privacy.cedar`):
 * a denial is recorded and refused (`NOT_PERMITTED`). The allowed request is recorded first
 * (`x-erasure.request`, `erasure_requests`); without a legal hold it is carried out at once,
 * else it waits: the answer names the holding cases, and the release of the last hold carries
 * it out, on this decision.
 */
export async function requestErasure(
  deps: CaseDeps,
  vault: Vault,
  subject: string,
  actor: string,
): Promise<ErasureOutcome> {
  const people = await personResources(deps, subject);
  if (people.length === 0) {
    throw new CaseError(
      'INPUT_INVALID',
      `no employee, reviewer or seller ${subject} in the directory`,
    );
  }
  const holds = deps.store.dataKeys.holdsOn(subject);
  const time = deps.now();
  let event = caseEvent({
    actor,
    action: 'x-erasure.request',
    target: `subject:${subject}`,
    time,
    attrs: { subject, kinds: people.map((p) => p.type), waitingFor: holds },
  });
  // each kind the id has is decided; the event carries the last decision, all of them allowed
  for (const person of people) {
    event = await authorise(deps, event, 'privacy.erase', person, 'request');
  }
  await assertActiveEmployee(deps, actor);
  await record(deps, event, (tx) =>
    tx.putErasureRequest({ subject, requestedBy: actor, requestedAt: time, eventId: event.id }),
  );
  const waitingFor = holds.length > 0 ? holds : await carryOut(deps, vault, subject, actor, {});
  return waitingFor.length === 0
    ? { erased: true, subject }
    : { erased: false, subject, waitingFor };
}

/**
 * Carries out a recorded erasure request: destroys the key (the store checks for holds in the
 * same step), then records that it is done and drops the request. Returns the cases whose
 * hold stopped it (a hold placed since the caller looked): then the request stays, waiting,
 * and nothing says it was done. A process that dies between the two steps leaves the request
 * too: the next release or request finishes it (the key is gone already) and records it.
 */
async function carryOut(
  deps: CaseDeps,
  vault: Vault,
  subject: string,
  actor: string,
  attrs: Readonly<Record<string, unknown>>,
): Promise<readonly string[]> {
  for (;;) {
    try {
      await vault.erase(subject);
      break;
    } catch (error) {
      if (!(error instanceof PrivacyError) || error.code !== 'SUBJECT_HELD') throw error;
      // (a hold released again since the refusal: try once more)
      const holds = deps.store.dataKeys.holdsOn(subject);
      if (holds.length > 0) return holds;
    }
  }
  const event = caseEvent({
    actor,
    action: 'x-erasure.done',
    target: `subject:${subject}`,
    time: deps.now(),
    attrs: { subject, ...attrs },
  });
  await record(deps, event, (tx) => tx.deleteErasureRequest(subject));
  return [];
}
