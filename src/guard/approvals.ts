import { formatTime, type AccessEvent } from '../domain/index.js';
import { canonicalJson } from '../ledger/index.js';
import type { StoredApproval } from '../store/index.js';
import type { Decider } from './decider.js';
import { GuardError } from './errors.js';
import { ms, type FactReader } from './facts.js';
import { newId, type GuardDeps } from './deps.js';
import {
  requestEvent,
  targetTypeOf,
  type GuardRequest,
  type GuardResult,
  type Identity,
  type Operation,
} from './operation.js';
import { LedgerCheck } from './ledger-check.js';
import { eventActionOf } from './operation.js';
import { Recorder } from './recorder.js';
import type { Decision } from './request.js';

/** What the approval steps share. */
export class ApprovalContext {
  readonly recorder: Recorder;
  readonly decider: Decider;
  readonly check: LedgerCheck;

  constructor(
    readonly deps: GuardDeps,
    readonly facts: FactReader,
  ) {
    this.recorder = new Recorder(deps.store, deps.ledger, deps.now);
    this.decider = deps.decider;
    this.check = new LedgerCheck(deps.store, deps.ledger);
  }
}

/**
 * What an approval is for: the request's details, canonical. An approval given for deleting
 * review R "as spam" does not carry out a deletion of R "on the seller's request".
 */
export function requestFingerprint(req: GuardRequest): string {
  return canonicalJson({
    ticket: req.ticketId ?? null,
    reason: req.reason ?? null,
    rows: req.rows ?? null,
    fields: req.fields ?? null,
    topic: req.topic ?? null,
    // only when present: approvals stored before enforcement existed keep their fingerprint
    ...(req.enforcement === undefined ? {} : { enforcement: req.enforcement }),
  });
}

/** The fingerprint of the request an event recorded (see `requestFingerprint`). */
function eventFingerprint(e: AccessEvent): string {
  const attrs = e.attrs ?? {};
  return canonicalJson({
    ticket: e.ticket ?? null,
    reason: attrs['reason'] ?? null,
    rows: attrs['rows'] ?? null,
    fields: attrs['fields'] ?? null,
    topic: attrs['topic'] ?? null,
    ...(attrs['enforcement'] === undefined ? {} : { enforcement: attrs['enforcement'] }),
  });
}

/**
 * An approval as the ledger has it. The `approvals` row is an index: its request event must be
 * a ledgered leaf that agrees with it (requester, action, target, details, expiry, sellers),
 * and its status is derived from the ledgered events that name it — a grant, a rejection, a
 * use. A row inserted without events, edited, or reset from executed is refused.
 */
export async function ledgeredApproval(c: ApprovalContext, id: string): Promise<StoredApproval> {
  const a = await load(c, id);
  const events = await c.deps.store.guard.approvalEvents(id);
  await c.check.assertLedgered(events, `approval ${id}`);
  const request = events.find((e) => e.event.id === a.requestEvent)?.event;
  const attrs = request?.attrs ?? {};
  const agrees =
    request !== undefined &&
    request.outcome === 'pending' &&
    request.actor === a.requester &&
    request.action === eventActionOf(a.action) &&
    request.target.id === a.targetId &&
    eventFingerprint(request) === a.request &&
    attrs['approvalExpiresAt'] === a.expiresAt &&
    canonicalJson(attrs['approvalSellers'] ?? null) === canonicalJson(a.sellers);
  if (!agrees) {
    throw new GuardError(
      'NOT_IN_LEDGER',
      `approval ${id} has no ledgered request event that matches its stored row; it cannot be used (run warden ledger verify)`,
    );
  }
  const status = derivedStatus(
    a,
    request,
    events.map((e) => e.event),
  );
  if (status !== a.status) {
    throw new GuardError(
      status === 'executed' ? 'APPROVAL_USED' : 'NOT_IN_LEDGER',
      `approval ${id} is stored as ${a.status}, but its ledgered events say ${status}`,
    );
  }
  return a;
}

function derivedStatus(
  a: StoredApproval,
  request: AccessEvent,
  events: readonly AccessEvent[],
): StoredApproval['status'] {
  const allowed = (action: string): AccessEvent | undefined =>
    events.find((e) => e.action === action && e.outcome === 'allowed' && e !== request);
  const used = events.some(
    (e) =>
      e !== request &&
      e.action === request.action &&
      e.outcome === 'allowed' &&
      e.actor === a.requester,
  );
  if (used) return 'executed';
  if (allowed('x-approval.reject')) return 'rejected';
  if (allowed('x-approval.grant')) return 'approved';
  return 'pending';
}

/**
 * Checks that an approval lets this very request through now: same employee, action,
 * target and details; approved, not yet used, not expired. A refusal is a typed error.
 */
export async function checkApproval(
  c: ApprovalContext,
  req: GuardRequest,
  time: string,
): Promise<StoredApproval> {
  const a = await ledgeredApproval(c, req.approvalId ?? '');
  const same =
    a.requester === req.employeeId &&
    a.action === req.action &&
    a.targetId === req.targetId &&
    a.request === requestFingerprint(req);
  if (!same) {
    throw new GuardError(
      'APPROVAL_MISMATCH',
      `approval ${a.id} was asked by ${a.requester} for ${a.action} on ${a.targetId} with other details`,
    );
  }
  if (a.status === 'executed') {
    throw new GuardError(
      'APPROVAL_USED',
      `approval ${a.id} was carried out at ${a.executedAt ?? '?'}`,
    );
  }
  if (a.status !== 'approved') {
    throw new GuardError('APPROVAL_NOT_GRANTED', `approval ${a.id} is ${a.status}`);
  }
  assertFresh(a, time);
  return a;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A new pending approval request for `req`, open for `ttlMs` (default 24 h). */
export function newApproval(
  req: GuardRequest,
  sellers: readonly string[],
  time: string,
  eventId: string,
  ttlMs = DAY_MS,
): StoredApproval {
  return {
    id: newId('ap'),
    requester: req.employeeId,
    action: req.action,
    targetType: targetTypeOf(req.action),
    targetId: req.targetId,
    request: requestFingerprint(req),
    sellers,
    createdAt: time,
    expiresAt: formatTime(ms(time) + ttlMs),
    status: 'pending',
    requestEvent: eventId,
  };
}

/** A second person approves or rejects a pending request; the decision is ledgered either way. */
export async function decideApproval(
  c: ApprovalContext,
  approvalId: string,
  employeeId: string,
  verdict: 'approve' | 'reject',
  identity?: Identity,
): Promise<GuardResult> {
  const time = c.deps.now();
  const a = await ledgeredApproval(c, approvalId);
  if (a.status !== 'pending') {
    throw new GuardError('APPROVAL_USED', `approval ${a.id} was decided already (${a.status})`);
  }
  assertFresh(a, time);
  const decision =
    verdict === 'reject' && employeeId === a.requester
      ? withdrawal()
      : await eligibility(c, a, employeeId);
  const eventId = newId('w');
  const event = requestEvent({
    id: eventId,
    time,
    actor: employeeId,
    action: verdict === 'approve' ? 'approval.grant' : 'approval.reject',
    target: { type: a.targetType, id: a.targetId },
    decision,
    attrs: {
      approvalId: a.id,
      requester: a.requester,
      requestedAction: a.action,
      ...(identity === undefined ? {} : { identity: { ...identity } }),
    },
    policySet: c.decider.policies.hash,
  });
  if (decision.outcome !== 'allow') {
    await c.recorder.write({ event });
    return { outcome: 'deny', decision, eventId };
  }
  const next: StoredApproval = {
    ...a,
    status: verdict === 'approve' ? 'approved' : 'rejected',
    decidedBy: employeeId,
    decidedAt: time,
  };
  await c.recorder.write({
    event,
    precondition: () => stillIn(c, a.id, 'pending'),
    state: (tx) => tx.putApproval(next),
  });
  return { outcome: 'allow', decision, eventId, approvalId: a.id };
}

/** The policies' answer to "may this employee be the second person for this request?". */
async function eligibility(
  c: ApprovalContext,
  a: StoredApproval,
  employeeId: string,
): Promise<Decision> {
  const approver = await c.facts.employee(
    employeeId,
    c.decider.policies.setFor('approval.grant').used,
  );
  if (!approver) throw new GuardError('REQUEST_INVALID', `no employee ${employeeId}`);
  return c.decider.decide({
    principal: approver,
    action: 'approval.grant',
    resource: {
      type: 'ApprovalRequest',
      approval: {
        id: a.id,
        requester: a.requester,
        requesterManagers: await c.facts.managers(a.requester),
        action: a.action as Operation,
        sellers: a.sellers,
        subjects: a.action === 'case.enforce' ? await c.facts.caseSubjects(a.targetId) : [],
      },
    },
  });
}

/** Refuses when an approval's stored status is no longer `status` (another writer got there first). */
export async function stillIn(
  c: ApprovalContext,
  id: string,
  status: StoredApproval['status'],
): Promise<void> {
  const now = await ledgeredApproval(c, id);
  if (now.status !== status) {
    throw new GuardError(
      'APPROVAL_USED',
      `approval ${id} is ${now.status} now, no longer ${status}`,
    );
  }
}

function withdrawal(): Decision {
  return { outcome: 'allow', policies: ['(requester withdraws)'], errors: [] };
}

async function load(c: ApprovalContext, id: string): Promise<StoredApproval> {
  const a = await c.deps.store.guard.approval(id);
  if (!a) throw new GuardError('UNKNOWN_APPROVAL', `no approval request ${id}`);
  return a;
}

function assertFresh(a: StoredApproval, time: string): void {
  if (ms(time) >= ms(a.expiresAt)) {
    throw new GuardError('APPROVAL_EXPIRED', `approval ${a.id} expired at ${a.expiresAt}`);
  }
}
