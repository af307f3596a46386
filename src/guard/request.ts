/**
 * What the guard decides on: the facts of one request, read from the directory (or written
 * in a policy test table). Ids are the interchange ids; sets hold ids.
 */
/**
 * The steps of an investigation (src/cases), and the erasure of a person's data that a legal
 * hold can make wait (`privacy.erase`): decided by the policies like any guarded action
 * (`policies/cases.cedar`, `policies/privacy.cedar`), but carried out by the cases context,
 * which writes the step's own event with the decision in it (`Guard.decideStep`).
 * `context.step` says which step of the action it is (`acknowledge`, `dismiss`, `escalate`;
 * `request`, `approve`; `hold`, `release`; the look's purpose; `request` for an erasure).
 */
export const CASE_STEP_ACTIONS = [
  'alert.triage',
  'case.open',
  'case.view',
  'case.note',
  'case.subject.add',
  'case.assign',
  'case.close',
  'case.reveal',
  'case.hold',
  'privacy.erase',
] as const;
export const GUARDED_ACTIONS = [
  'seller.metrics.view',
  'seller.account.view',
  'seller.metrics.export',
  'reviewer.contact.view',
  'reviewer.contact.reveal',
  'review.view',
  'review.delete',
  'review.restore',
  'ticket.open',
  'approval.grant',
  'policy.activate',
  'case.enforce',
  ...CASE_STEP_ACTIONS,
] as const;
export type GuardedAction = (typeof GUARDED_ACTIONS)[number];

export type CaseStepAction = (typeof CASE_STEP_ACTIONS)[number];

export function isCaseStep(action: string): action is CaseStepAction {
  return (CASE_STEP_ACTIONS as readonly string[]).includes(action);
}

export type ResourceType =
  | 'Seller'
  | 'Reviewer'
  | 'Review'
  | 'ApprovalRequest'
  | 'PolicySet'
  | 'Case'
  | 'Alert'
  | 'Employee';

/** The people whose personal data Warden holds: an erasure is of one of them. */
export type PersonType = Extract<ResourceType, 'Employee' | 'Reviewer' | 'Seller'>;

/**
 * The type of resource each action applies to (the Cedar schema's `appliesTo`); an erasure
 * applies to the person as the directory has them, whichever kind they are.
 */
export const RESOURCE_OF: Readonly<Record<GuardedAction, ResourceType | readonly PersonType[]>> = {
  'seller.metrics.view': 'Seller',
  'seller.account.view': 'Seller',
  'seller.metrics.export': 'Seller',
  'reviewer.contact.view': 'Reviewer',
  'reviewer.contact.reveal': 'Reviewer',
  'review.view': 'Review',
  'review.delete': 'Review',
  'review.restore': 'Review',
  'ticket.open': 'Seller',
  'approval.grant': 'ApprovalRequest',
  'policy.activate': 'PolicySet',
  'case.enforce': 'Case',
  'alert.triage': 'Alert',
  'case.open': 'Case',
  'case.view': 'Case',
  'case.note': 'Case',
  'case.subject.add': 'Case',
  'case.assign': 'Case',
  'case.close': 'Case',
  'case.reveal': 'Case',
  'case.hold': 'Case',
  'privacy.erase': ['Employee', 'Reviewer', 'Seller'],
};

/** Actions that a second person may have to approve: their context carries `approved`. */
export const APPROVABLE: ReadonlySet<GuardedAction> = new Set([
  'review.delete',
  'reviewer.contact.reveal',
  'policy.activate',
  'case.enforce',
]);

/**
 * Actions that need a purpose (an assignment or a cited ticket). One rule covers them all: a
 * ticket the employee opened for themselves justifies none of them (`policies/purpose.cedar`).
 */
export const PURPOSE_BOUND: readonly GuardedAction[] = [
  'seller.metrics.view',
  'seller.account.view',
  'seller.metrics.export',
  'review.view',
  'reviewer.contact.view',
  'reviewer.contact.reveal',
];

export function isGuardedAction(value: string): value is GuardedAction {
  return (GUARDED_ACTIONS as readonly string[]).includes(value);
}

export interface EmployeeFacts {
  readonly id: string;
  readonly team: string;
  readonly role: string;
  readonly site: string;
  /** False once the employee has left (`leftAt` in the past). */
  readonly active: boolean;
  /** The employee's current risk score is at or above the guard's high-risk threshold. */
  readonly highRisk: boolean;
  /** Sellers whose account the employee works now. */
  readonly assignedSellers: readonly string[];
  /** The reporting line upwards: manager, the manager's manager, … */
  readonly managers: readonly string[];
}

export interface TicketFacts {
  readonly id: string;
  readonly open: boolean;
  /** The ticket's assignee (who holds it). */
  readonly holders: readonly string[];
  /** The seller it names and its related sellers. */
  readonly sellers: readonly string[];
  readonly reviews: readonly string[];
  readonly reviewers: readonly string[];
  /** Opened by legal intake: a legal case. */
  readonly legal: boolean;
  /** Opened by the employee who now holds it. */
  readonly selfOpened: boolean;
}

export interface ReviewFacts {
  readonly id: string;
  readonly sellerId: string;
  readonly reviewerId: string;
  readonly rating: number;
  readonly removed: boolean;
}

export interface ApprovalFacts {
  readonly id: string;
  readonly requester: string;
  readonly requesterManagers: readonly string[];
  readonly action: GuardedAction;
  readonly sellers: readonly string[];
  /** For an enforcement: the employees its case investigates (none may approve it). */
  readonly subjects?: readonly string[];
}

/** An investigation an enforcement measure acts under: its employees and sellers. */
export interface CaseFacts {
  readonly id: string;
  readonly subjects: readonly string[];
  readonly sellers: readonly string[];
}

export type ResourceFacts =
  | { readonly type: 'Seller'; readonly id: string }
  | { readonly type: 'Reviewer'; readonly id: string }
  /** An employee as the resource of an action on them (an erasure of their data). */
  | { readonly type: 'Employee'; readonly id: string }
  | { readonly type: 'Review'; readonly review: ReviewFacts }
  | { readonly type: 'ApprovalRequest'; readonly approval: ApprovalFacts }
  | { readonly type: 'PolicySet'; readonly id: string }
  | { readonly type: 'Case'; readonly case: CaseFacts }
  /** An alert being triaged: the employees it names (`subjects`) and its sellers. */
  | { readonly type: 'Alert'; readonly alert: CaseFacts };

/** Action-specific inputs (the Cedar context besides the ticket). */
export interface RequestDetails {
  readonly rows?: number;
  readonly fields?: readonly string[];
  readonly reason?: string;
  readonly topic?: string;
  /** An enforcement measure (`case.enforce`): what is done, e.g. `seller.suspend`. */
  readonly measure?: string;
  /** A case step's part of its action (`context.step`), e.g. `dismiss`, `approve`, `export`. */
  readonly step?: string;
  /** A second person approved this very request (set by the guard, never by the caller). */
  readonly approved?: boolean;
}

export interface DecisionRequest {
  readonly principal: EmployeeFacts;
  readonly action: GuardedAction;
  readonly resource: ResourceFacts;
  /** The ticket the employee cited as the purpose, if any. */
  readonly ticket?: TicketFacts;
  readonly details?: RequestDetails;
}

export type Outcome = 'allow' | 'deny' | 'pending';

/** The guard's answer: the outcome and the ids of the policies that decided it. */
export interface Decision {
  readonly outcome: Outcome;
  /** Deciding policies: the permits that allowed, the forbids that denied or hold it pending. */
  readonly policies: readonly string[];
  /** Errors the engine met while evaluating (each makes its policy not apply: fail closed). */
  readonly errors: readonly string[];
}

export function resourceId(resource: ResourceFacts): string {
  if (resource.type === 'Review') return resource.review.id;
  if (resource.type === 'ApprovalRequest') return resource.approval.id;
  if (resource.type === 'Case') return resource.case.id;
  if (resource.type === 'Alert') return resource.alert.id;
  return resource.id;
}
