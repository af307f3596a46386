import type { AccessEvent, Action, TargetType } from '../domain/index.js';
import { newId } from './deps.js';
import type { CaseStepAction, Decision, GuardedAction, Outcome } from './request.js';

/**
 * The operations an employee asks the guard for (approvals have their own calls; case steps
 * are decided by `Guard.decideStep` and carried out by the cases context).
 */
export type Operation = Exclude<GuardedAction, 'approval.grant' | CaseStepAction>;

/** What an employee asks for. */
export interface GuardRequest {
  readonly employeeId: string;
  readonly action: Operation;
  /** The seller, reviewer or review the action is on. */
  readonly targetId: string;
  /** The ticket cited as the purpose. */
  readonly ticketId?: string;
  /** Why (review deletion and restore require one). */
  readonly reason?: string;
  /** Export size and fields. */
  readonly rows?: number;
  readonly fields?: readonly string[];
  /**
   * `seller.metrics.export` of figures Warden hands out: what tracing needs (the export id,
   * the code, the columns, the file's hash), recorded as `attrs.export` in the request's event.
   */
  readonly exportRecord?: Readonly<Record<string, unknown>>;
  /** A new ticket's topic. */
  readonly topic?: string;
  /** Carry out a request that a second person approved: its id. */
  readonly approvalId?: string;
  /** `case.enforce`: the measure, on what (the target id is the case's id). */
  readonly enforcement?: Enforcement;
  /** `policy.activate`: the proposed policy set (its hash is the target id). */
  readonly policySet?: ProposedPolicySet;
  /**
   * How the employee was identified: by an API token (its id), or only asserted (the demo
   * and tests, behind an explicit insecure flag). Recorded in the request's event.
   */
  readonly identity?: Identity;
}

/**
 * An enforcement measure taken under a case (`case.enforce`). Each has its reversal
 * (`MEASURES` in src/guard/enforcement.ts): what is done can be undone, on record.
 */
export interface Enforcement {
  /** e.g. `seller.suspend`, `funds.withhold`, `employee.revoke`. */
  readonly measure: string;
  /** The seller, employee or reviewer acted on (for review measures: the seller). */
  readonly subject: string;
  /** `funds.withhold` / `funds.release`: an amount in minor units, and its currency. */
  readonly amount?: number;
  readonly currency?: string;
  /** `reviews.remove` / `reviews.restore`: the reviews. */
  readonly reviews?: readonly string[];
  /** The rule broken (terms of service, law): required for measures a seller is told of. */
  readonly rule?: string;
  /** `legal.referral`: the SHA-256 of the evidence bundle's signed manifest. */
  readonly bundle?: string;
}

/** How the acting employee was identified. */
export type Identity =
  | { readonly kind: 'token'; readonly tokenId: string }
  /** A JWT from the issuer the HTTP API is configured to trust (`warden serve`). */
  | { readonly kind: 'jwt'; readonly issuer: string }
  | { readonly kind: 'asserted' };

/** A policy set proposed for activation: its files by name, and their hash. */
export interface ProposedPolicySet {
  readonly hash: string;
  readonly files: Readonly<Record<string, string>>;
}

/** The guard's answer to a request. */
export interface GuardResult {
  readonly outcome: Outcome;
  readonly decision: Decision;
  /** The event that records the request and its decision in the ledger. */
  readonly eventId: string;
  /** When pending: the id a second person approves. */
  readonly approvalId?: string;
  /** When allowed: what the employee gets (masked where personal). */
  readonly data?: Readonly<Record<string, unknown>>;
}

const EVENT_ACTION: Readonly<Record<GuardedAction, Action>> = {
  'seller.metrics.view': 'seller.metrics.view',
  'seller.account.view': 'seller.account.view',
  'seller.metrics.export': 'seller.metrics.export',
  'reviewer.contact.view': 'reviewer.contact.view',
  'reviewer.contact.reveal': 'x-reviewer.contact.reveal',
  'review.view': 'review.view',
  'review.delete': 'review.delete',
  'review.restore': 'review.restore',
  'ticket.open': 'x-ticket.open',
  'approval.grant': 'x-approval.grant',
  'policy.activate': 'x-policy.activate',
  'case.enforce': 'x-case.enforce',
  'alert.triage': 'x-alert.triage',
  'case.open': 'x-case.open',
  'case.view': 'x-case.view',
  'case.note': 'x-case.note',
  'case.subject.add': 'x-case.subject.add',
  'case.assign': 'x-case.assign',
  'case.close': 'x-case.close',
  'case.reveal': 'x-case.reveal',
  'case.hold': 'x-case.hold',
  'privacy.erase': 'x-erasure.request',
};

/** The event action that records a guarded action (custom actions are `x-…`). */
export function eventActionOf(action: string): string {
  return (EVENT_ACTION as Readonly<Record<string, string>>)[action] ?? action;
}

const TARGET_TYPE: Readonly<Record<Operation, TargetType>> = {
  'seller.metrics.view': 'seller',
  'seller.account.view': 'seller',
  'seller.metrics.export': 'seller',
  'reviewer.contact.view': 'reviewer',
  'reviewer.contact.reveal': 'reviewer',
  'review.view': 'review',
  'review.delete': 'review',
  'review.restore': 'review',
  'ticket.open': 'seller',
  'policy.activate': 'dataset',
  'case.enforce': 'dataset',
};

export function targetTypeOf(op: Operation): TargetType {
  return TARGET_TYPE[op];
}

const EVENT_OUTCOME: Readonly<Record<Outcome, 'allowed' | 'denied' | 'pending'>> = {
  allow: 'allowed',
  deny: 'denied',
  pending: 'pending',
};

/**
 * The interchange event that records a guarded request: the same shape other systems send,
 * so detection reads guarded and sidecar traffic alike. `attrs.decision` names the deciding
 * policies; other attrs are the request's own (reason, rows, fields, approval).
 */
export function requestEvent(input: {
  id: string;
  time: string;
  actor: string;
  action: GuardedAction | 'approval.reject';
  target: { type: TargetType; id: string };
  decision: Decision;
  ticket?: string | undefined;
  attrs?: Readonly<Record<string, unknown>>;
  /** The hash of the policy set that made the decision. */
  policySet: string;
}): AccessEvent {
  const action =
    input.action === 'approval.reject' ? 'x-approval.reject' : EVENT_ACTION[input.action];
  return {
    id: input.id,
    time: input.time,
    actor: input.actor,
    action,
    target: input.target,
    outcome: EVENT_OUTCOME[input.decision.outcome],
    ...(input.ticket === undefined ? {} : { ticket: input.ticket }),
    attrs: {
      ...input.attrs,
      decision: {
        outcome: input.decision.outcome,
        policies: [...input.decision.policies],
        policySet: input.policySet,
        ...(input.decision.errors.length > 0 ? { errors: [...input.decision.errors] } : {}),
      },
    },
  };
}

/** The request's own details, recorded in its event. */
export function requestAttrs(req: GuardRequest): Record<string, unknown> {
  return {
    ...(req.reason === undefined ? {} : { reason: req.reason }),
    ...(req.rows === undefined ? {} : { rows: req.rows }),
    ...(req.fields === undefined ? {} : { fields: [...req.fields] }),
    ...(req.exportRecord === undefined ? {} : { export: req.exportRecord }),
    ...(req.topic === undefined ? {} : { topic: req.topic }),
    ...(req.enforcement === undefined ? {} : { enforcement: { ...req.enforcement } }),
    ...(req.approvalId === undefined ? {} : { approvalId: req.approvalId }),
    ...(req.identity === undefined ? {} : { identity: { ...req.identity } }),
  };
}

/** The event of an employee's request and its decision, with a fresh id. */
export function eventOf(
  req: GuardRequest,
  time: string,
  decision: Decision,
  policySet: string,
  extra: Readonly<Record<string, unknown>> = {},
): AccessEvent {
  return requestEvent({
    id: newId('w'),
    time,
    actor: req.employeeId,
    action: req.action,
    target: { type: targetTypeOf(req.action), id: req.targetId },
    decision,
    ticket: req.ticketId,
    attrs: { ...requestAttrs(req), ...extra },
    policySet,
  });
}
