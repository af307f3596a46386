import type { Enforcement, Guard, GuardResult, Identity } from '../guard/index.js';
import { openCaseOrThrow } from './guards.js';
import type { CaseDeps } from './record.js';

/** An enforcement measure as an investigator asks for it. */
export interface EnforceInput {
  readonly caseId: string;
  readonly actor: string;
  readonly identity?: Identity;
  readonly reason: string;
  readonly enforcement: Enforcement;
  /** Carry out a measure a second person approved. */
  readonly approvalId?: string;
}

/**
 * Takes a measure under an open case, through the guard: the policies decide
 * (`policies/enforcement.cedar`), the first ask comes back pending for a second person, and
 * the approved measure is carried out once, its event, effect and outbox command in one
 * transaction.
 */
export async function enforce(
  deps: CaseDeps,
  guard: Guard,
  input: EnforceInput,
): Promise<GuardResult> {
  await openCaseOrThrow(deps, input.caseId);
  return guard.request({
    employeeId: input.actor,
    action: 'case.enforce',
    targetId: input.caseId,
    reason: input.reason,
    enforcement: input.enforcement,
    ...(input.identity === undefined ? {} : { identity: input.identity }),
    ...(input.approvalId === undefined ? {} : { approvalId: input.approvalId }),
  });
}
