import type { AccessEvent } from '../domain/index.js';
import { reversalOf, type Enforcement } from '../guard/index.js';
import { canonicalJson } from '../ledger/index.js';
import type { Appeal } from '../store/index.js';
import { sha256Hex } from './bundle-format.js';
import { CaseError } from './errors.js';
import { assertActiveEmployee, assertNotSubject, text } from './guards.js';
import { caseEvent, newCaseId, record, type CaseDeps } from './record.js';

/** The allowed `x-case.enforce` event that carried a measure out, or `INPUT_INVALID`. */
export async function measureEvent(
  deps: CaseDeps,
  eventId: string,
): Promise<{ event: AccessEvent; enforcement: Enforcement }> {
  const event = (await deps.store.events.byIds([eventId])).get(eventId);
  const enforcement = event?.attrs?.['enforcement'] as Enforcement | undefined;
  if (!event || event.action !== 'x-case.enforce' || event.outcome !== 'allowed' || !enforcement) {
    throw new CaseError('INPUT_INVALID', `${eventId} is not a measure that was carried out`);
  }
  return { event, enforcement };
}

/** Records an appeal by the measure's subject (taken down by an employee on their behalf). */
export async function fileAppeal(
  deps: CaseDeps,
  input: { measureEvent: string; appellant: string; grounds: string; actor: string },
): Promise<Appeal> {
  const { event, enforcement } = await measureEvent(deps, input.measureEvent);
  if (input.appellant !== enforcement.subject) {
    throw new CaseError(
      'INPUT_INVALID',
      `${input.appellant} is not the subject of ${input.measureEvent}`,
    );
  }
  await assertActiveEmployee(deps, input.actor);
  const time = deps.now();
  const id = newCaseId('apl');
  const grounds = text(input.grounds, '--grounds', 4000);
  const ev = caseEvent({
    actor: input.actor,
    action: 'x-appeal.file',
    target: `case:${event.target.id}`,
    time,
    attrs: { appeal: id, measureEvent: event.id, appellant: input.appellant, grounds },
  });
  const appeal: Appeal = {
    id,
    caseId: event.target.id,
    measureEvent: event.id,
    appellant: input.appellant,
    grounds,
    filedBy: input.actor,
    filedAt: time,
    eventId: ev.id,
  };
  await record(deps, ev, (tx) => tx.putAppeal(appeal));
  return appeal;
}

/**
 * Decides an appeal. The decider is a different person from whoever took the measure or
 * approved it, and no subject of the case. An overturned measure names its reversal, to be
 * taken through the guard like any measure (two people, ledgered).
 */
export async function decideAppeal(
  deps: CaseDeps,
  input: { appealId: string; actor: string; outcome: 'upheld' | 'overturned'; decision: string },
): Promise<{ appeal: Appeal; reversal?: string }> {
  const appeal = await deps.store.cases.appeal(input.appealId);
  if (!appeal) throw new CaseError('INPUT_INVALID', `no appeal ${input.appealId}`);
  if (appeal.outcome)
    throw new CaseError('INPUT_INVALID', `appeal ${appeal.id} was decided already`);
  const { event, enforcement } = await measureEvent(deps, appeal.measureEvent);
  const acted = await whoActed(deps, event);
  if (acted.includes(input.actor)) {
    throw new CaseError(
      'NOT_PERMITTED',
      `${input.actor} took or approved the measure: a different person decides its appeal`,
    );
  }
  await assertNotSubject(deps, appeal.caseId, input.actor);
  await assertActiveEmployee(deps, input.actor);
  const time = deps.now();
  const decision = text(input.decision, '--decision', 4000);
  const ev = caseEvent({
    actor: input.actor,
    action: 'x-appeal.decide',
    target: `case:${appeal.caseId}`,
    time,
    attrs: {
      appeal: appeal.id,
      outcome: input.outcome,
      decision,
      sha256: sha256Hex(Buffer.from(canonicalJson(appeal))),
    },
  });
  const decided: Appeal = {
    ...appeal,
    outcome: input.outcome,
    decidedBy: input.actor,
    decidedAt: time,
    decision,
  };
  await record(deps, ev, (tx) => tx.putAppeal(decided));
  const reversal = input.outcome === 'overturned' ? reversalOf(enforcement.measure) : undefined;
  return { appeal: decided, ...(reversal ? { reversal } : {}) };
}

/** The employee who carried the measure out and the one who approved it. */
async function whoActed(deps: CaseDeps, event: AccessEvent): Promise<string[]> {
  const approvalId = event.attrs?.['approvalId'];
  const approvers =
    typeof approvalId === 'string'
      ? (await deps.store.guard.approvalEvents(approvalId))
          .filter((e) => e.event.action === 'x-approval.grant' && e.event.outcome === 'allowed')
          .map((e) => e.event.actor)
      : [];
  return [event.actor, ...approvers];
}
