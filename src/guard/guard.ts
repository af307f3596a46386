import type { StoredApproval } from '../store/index.js';
import {
  ApprovalContext,
  checkApproval,
  decideApproval,
  newApproval,
  stillIn,
} from './approvals.js';
import { newId, type GuardDeps } from './deps.js';
import { effectOf } from './effects.js';
import { GuardError } from './errors.js';
import { FactReader, type FactOptions } from './facts.js';
import { eventOf, type GuardRequest, type GuardResult, type Identity } from './operation.js';
import { diffPolicySets } from './policy-pin.js';
import { CompiledPolicies } from './policy-set.js';
import type { CaseStepAction, Decision, ResourceFacts } from './request.js';
import { checkRequest, resourceFacts } from './targets.js';

/** A case step to decide (src/cases carries it out and records it, with the decision). */
export interface StepRequest {
  readonly employeeId: string;
  readonly action: CaseStepAction;
  /**
   * The case (its employee subjects and sellers), the alert being triaged, or the person
   * whose data is to be erased.
   */
  readonly resource: Extract<
    ResourceFacts,
    | { type: 'Case' }
    | { type: 'Alert' }
    | { type: 'Employee' }
    | { type: 'Reviewer' }
    | { type: 'Seller' }
  >;
  /** Which part of the action (`context.step`). */
  readonly step: string;
}

/** A case step's decision and the policy set that made it (for the step's event). */
export interface StepDecision {
  readonly decision: Decision;
  readonly policySet: string;
  /**
   * The set's schema does not declare the action: the set predates it, so nobody may take it
   * until a set naming who may is activated (denied without asking the engine).
   */
  readonly undeclared?: true;
}

export interface GuardOptions extends FactOptions {
  /** How long an approval request stays open, and an approval usable. Default 24 h. */
  readonly approvalTtlMs?: number;
}

/**
 * The one way employees touch sellers, reviews and reviewers: each request is decided by
 * the Cedar policies on facts read from the directory, recorded as an interchange event
 * (a ledger leaf) in the same transaction as its effect, and answered with masked data.
 * Destructive or revealing requests may come back pending: a second person approves them
 * (`approve`), and the requester then carries them out once (`request` with `approvalId`).
 */
export class Guard {
  private readonly facts: FactReader;
  private readonly approvals: ApprovalContext;

  constructor(
    private readonly deps: GuardDeps,
    private readonly options: GuardOptions = {},
  ) {
    this.facts = new FactReader(deps.store, deps.now, options);
    this.approvals = new ApprovalContext(deps, this.facts);
  }

  /** Decides, records and (when allowed) carries out a request. */
  async request(req: GuardRequest): Promise<GuardResult> {
    checkRequest(req);
    return this.approvals.recorder.exclusive(() => this.handle(req));
  }

  /** A second person approves a pending request. */
  approve(approvalId: string, approverId: string, identity?: Identity): Promise<GuardResult> {
    return this.approvals.recorder.exclusive(() =>
      decideApproval(this.approvals, approvalId, approverId, 'approve', identity),
    );
  }

  /** A second person turns a pending request down, or its requester withdraws it. */
  reject(approvalId: string, employeeId: string, identity?: Identity): Promise<GuardResult> {
    return this.approvals.recorder.exclusive(() =>
      decideApproval(this.approvals, approvalId, employeeId, 'reject', identity),
    );
  }

  /**
   * Decides a case step by the policies on the directory's facts as they stand now; the
   * cases context records the step's event with the decision in it, allowed or denied (it
   * owns the event's shape and the state it changes). An unknown employee is
   * `REQUEST_INVALID`.
   */
  async decideStep(req: StepRequest): Promise<StepDecision> {
    const reads = this.deps.decider.policies.setFor(req.action).used;
    const principal = await this.facts.employee(req.employeeId, reads);
    if (!principal) throw new GuardError('REQUEST_INVALID', `no employee ${req.employeeId}`);
    if (!this.deps.decider.policies.declares(req.action)) {
      return {
        decision: { outcome: 'deny', policies: [], errors: [] },
        policySet: this.policySet,
        undeclared: true,
      };
    }
    const decision = this.deps.decider.decide({
      principal,
      action: req.action,
      resource: req.resource,
      details: { step: req.step },
    });
    return { decision, policySet: this.policySet };
  }

  /** The hash of the policy set this guard decides by (named in every decision event). */
  get policySet(): string {
    return this.deps.decider.policies.hash;
  }

  /** A policy change records the set it proposes and its diff against the set in force. */
  private policySetAttrs(req: GuardRequest): Record<string, unknown> {
    if (!req.policySet) return {};
    const proposed = CompiledPolicies.fromFiles(req.policySet.files, req.policySet.hash);
    return {
      activates: req.policySet.hash,
      diff: { ...diffPolicySets(this.deps.decider.policies.texts, proposed.texts) },
    };
  }

  private async handle(req: GuardRequest): Promise<GuardResult> {
    const time = this.deps.now();
    const reads = this.deps.decider.policies.setFor(req.action).used;
    const principal = await this.facts.employee(req.employeeId, reads);
    if (!principal) throw new GuardError('REQUEST_INVALID', `no employee ${req.employeeId}`);
    const ticket = req.ticketId === undefined ? undefined : await this.facts.ticket(req.ticketId);
    if (req.ticketId !== undefined && !ticket) {
      throw new GuardError('REQUEST_INVALID', `no ticket ${req.ticketId}`);
    }
    const resource = await resourceFacts(this.facts, req, ticket);
    const approval =
      req.approvalId === undefined ? undefined : await this.usableApproval(req, time);
    const decision = this.deps.decider.decide({
      principal,
      action: req.action,
      resource,
      ...(ticket ? { ticket } : {}),
      details: {
        ...(req.rows === undefined ? {} : { rows: req.rows }),
        ...(req.fields === undefined ? {} : { fields: req.fields }),
        ...(req.reason === undefined ? {} : { reason: req.reason }),
        ...(req.topic === undefined ? {} : { topic: req.topic }),
        ...(req.enforcement === undefined ? {} : { measure: req.enforcement.measure }),
        approved: approval !== undefined,
      },
    });
    const event = eventOf(req, time, decision, this.policySet, this.policySetAttrs(req));
    const eventId = event.id;
    if (decision.outcome === 'deny') {
      await this.approvals.recorder.write({ event });
      return { outcome: 'deny', decision, eventId };
    }
    if (decision.outcome === 'pending') {
      const pending = newApproval(req, resource.sellers, time, eventId, this.options.approvalTtlMs);
      await this.approvals.recorder.write({
        event: {
          ...event,
          attrs: {
            ...event.attrs,
            approvalId: pending.id,
            approvalExpiresAt: pending.expiresAt,
            approvalSellers: [...pending.sellers],
          },
        },
        state: async (tx) => {
          await tx.putApproval(pending);
          if (req.policySet) await tx.putPolicySet({ ...req.policySet, createdAt: time });
        },
      });
      return { outcome: 'pending', decision, eventId, approvalId: pending.id };
    }
    const effect = await effectOf(req, {
      facts: this.facts,
      vault: this.deps.vault,
      aliases: this.deps.aliases,
      time,
      eventId,
      newId,
    });
    await this.approvals.recorder.write({
      event: effect.attrs ? { ...event, attrs: { ...event.attrs, ...effect.attrs } } : event,
      ...(approval ? { precondition: () => stillIn(this.approvals, approval.id, 'approved') } : {}),
      ...(effect.effects ? { effects: effect.effects } : {}),
      state: async (tx) => {
        if (effect.state) await effect.state(tx);
        if (approval) await tx.putApproval({ ...approval, status: 'executed', executedAt: time });
      },
    });
    return { outcome: 'allow', decision, eventId, data: effect.data };
  }

  /**
   * The approval a request cites, checked; a refused use (replayed, expired, mismatched) is
   * recorded as a denied event before the error is thrown: no attempt goes unrecorded.
   */
  private async usableApproval(req: GuardRequest, time: string): Promise<StoredApproval> {
    try {
      return await checkApproval(this.approvals, req, time);
    } catch (error) {
      if (!(error instanceof GuardError)) throw error;
      const decision = { outcome: 'deny' as const, policies: [], errors: [error.code] };
      await this.approvals.recorder.write({
        event: eventOf(req, time, decision, this.policySet, { refused: error.code }),
      });
      throw error;
    }
  }
}
