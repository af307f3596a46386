import type { AccessEvent, Alert } from '../domain/index.js';
import { GuardError, type CaseStepAction, type StepRequest } from '../guard/index.js';
import { CaseError } from './errors.js';
import { record, type CaseDeps } from './record.js';

type StepResource = StepRequest['resource'];

/** A case as the policies see it: the employees it investigates and its sellers. */
export async function caseResource(deps: CaseDeps, caseId: string): Promise<StepResource> {
  const members = await deps.store.cases.members(caseId);
  const of = (kind: string): string[] => members.filter((m) => m.kind === kind).map((m) => m.ref);
  return { type: 'Case', case: { id: caseId, subjects: of('employee'), sellers: of('seller') } };
}

/** A case not opened yet: nobody is investigated by it so far. */
export function newCaseResource(caseId: string): StepResource {
  return { type: 'Case', case: { id: caseId, subjects: [], sellers: [] } };
}

/** An alert as the policies see it: the employees it names are its subjects. */
export function alertResource(alert: Alert): StepResource {
  return {
    type: 'Alert',
    alert: {
      id: alert.id,
      subjects: [...new Set([alert.employeeId, ...(alert.employeeIds ?? [])])],
      sellers: [...alert.sellerIds],
    },
  };
}

/** The kinds of person the directory holds, as the policies name them. */
const PERSON_TYPES = { employee: 'Employee', reviewer: 'Reviewer', seller: 'Seller' } as const;

/**
 * A person as the policies see them: the directory's employee, reviewer or seller of that id,
 * one resource for each kind the id has (an erasure destroys the one key of the id, so it
 * must be allowed on each). None when the directory has nobody of that id.
 */
export async function personResources(deps: CaseDeps, id: string): Promise<StepResource[]> {
  const found: StepResource[] = [];
  for (const [kind, type] of Object.entries(PERSON_TYPES)) {
    if ((await deps.store.directory.get(kind as keyof typeof PERSON_TYPES, id)) !== undefined) {
      found.push({ type, id });
    }
  }
  return found;
}

/**
 * Asks the policies whether `event`'s actor may take this step (`policies/cases.cedar`), and
 * returns the step's event carrying the decision (`attrs.decision`: outcome, the deciding
 * policies, the policy set), as every guarded request's event does. A denial is itself
 * recorded, as the step's event with outcome `denied` and nothing changed, before it is
 * refused (`NOT_PERMITTED`): no refused attempt goes unrecorded.
 */
export async function authorise(
  deps: CaseDeps,
  event: AccessEvent,
  action: CaseStepAction,
  resource: StepResource,
  step: string,
): Promise<AccessEvent> {
  let decided;
  try {
    decided = await deps.authority.decideStep({
      employeeId: event.actor,
      action,
      resource,
      step,
    });
  } catch (error) {
    if (error instanceof GuardError && error.code === 'REQUEST_INVALID') {
      throw new CaseError('INPUT_INVALID', `${error.message} in the directory`, { cause: error });
    }
    throw error;
  }
  const { decision, policySet, undeclared } = decided;
  const withDecision = (outcome: 'allowed' | 'denied'): AccessEvent => ({
    ...event,
    outcome,
    attrs: {
      ...event.attrs,
      decision: {
        outcome: decision.outcome,
        policies: [...decision.policies],
        policySet,
        ...(undeclared ? { undeclared: true } : {}),
        ...(decision.errors.length > 0 ? { errors: [...decision.errors] } : {}),
      },
    },
  });
  if (decision.outcome === 'allow') return withDecision('allowed');
  await record(deps, withDecision('denied'));
  const why = undeclared
    ? `the active policy set ${policySet.slice(0, 12)}… predates ${action}, so nobody may take it until the organisation activates a set naming who may (warden policy activate DIR, proposed by one policy owner and approved by another; docs/guard.md)`
    : decision.policies.length > 0
      ? `denied by ${decision.policies.join(', ')}`
      : 'no policy permits it';
  throw new CaseError(
    'NOT_PERMITTED',
    `${event.actor} may not ${action} (${step}) on ${event.target.id}: ${why} (event ${event.id})`,
  );
}
