import {
  statefulIsAuthorized,
  type AuthorizationAnswer,
  type StatefulAuthorizationCall,
} from './cedar.js';
import { canBeApproved, cedarCall } from './entities.js';
import { GuardError } from './errors.js';
import type { CompiledPolicies } from './policy-set.js';
import type { Decision, DecisionRequest } from './request.js';

export interface DeciderOptions {
  /** Validate each request against the schema (types of context and entities). Default true. */
  readonly validateRequests?: boolean;
  /** Decisions kept in the cache; 0 turns it off. Default 10,000. */
  readonly cacheSize?: number;
}

/**
 * Turns a request's facts into a decision: allow, deny, or pending (a second person's
 * approval would allow it). Pending is read from the policies themselves: when every
 * policy that denied is annotated `@outcome("pending")` and the same request with
 * `approved: true` is allowed, the answer is pending, citing those forbids.
 *
 * The cache keys on the whole Cedar call (the facts, sliced) and the policy set's version,
 * so a changed assignment, ticket, risk or policy is a different key: it cannot serve a
 * stale decision.
 */
export class Decider {
  private readonly cache = new Map<string, Decision>();
  private readonly cacheSize: number;
  private readonly validateRequests: boolean;

  constructor(
    private current: CompiledPolicies,
    options: DeciderOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 10_000;
    this.validateRequests = options.validateRequests ?? true;
  }

  get policies(): CompiledPolicies {
    return this.current;
  }

  /** Switches to another policy set (a reload); cached decisions of the old one never answer. */
  use(policies: CompiledPolicies): void {
    this.current = policies;
    this.cache.clear();
  }

  /** The decision with the Cedar call it was made on (entities sliced, context filled). */
  explain(request: DecisionRequest): { decision: Decision; call: StatefulAuthorizationCall } {
    const call = cedarCall(request, this.current.setFor(request.action), this.current.schemaName);
    return { decision: this.decide(request), call };
  }

  decide(request: DecisionRequest): Decision {
    const first = this.evaluate(request);
    if (first.outcome !== 'deny' || !canBeApproved(request) || request.details?.approved) {
      return first;
    }
    const held = first.policies.length > 0 && first.policies.every((id) => this.isPending(id));
    if (!held) return first;
    const approved = this.evaluate({
      ...request,
      details: { ...request.details, approved: true },
    });
    return approved.outcome === 'allow'
      ? { outcome: 'pending', policies: first.policies, errors: first.errors }
      : approved;
  }

  private isPending(id: string): boolean {
    return this.current.pendingIds.has(id);
  }

  private evaluate(request: DecisionRequest): Decision {
    const call = cedarCall(
      request,
      this.current.setFor(request.action),
      this.validateRequests ? this.current.schemaName : undefined,
    );
    if (this.cacheSize === 0) return toDecision(statefulIsAuthorized(call));
    const key = `${this.current.version}\u0000${JSON.stringify(call)}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const decision = toDecision(statefulIsAuthorized(call));
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    this.cache.set(key, decision);
    return decision;
  }
}

function toDecision(answer: AuthorizationAnswer): Decision {
  if (answer.type === 'failure') {
    throw new GuardError(
      'ENGINE_FAILED',
      `the Cedar engine could not decide: ${answer.errors.map((e) => e.message).join('; ')}`,
    );
  }
  const { decision, diagnostics } = answer.response;
  return {
    outcome: decision,
    policies: [...diagnostics.reason].sort(),
    errors: diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`),
  };
}
