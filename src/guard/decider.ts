import {
  statefulIsAuthorized,
  type AuthorizationAnswer,
  type StatefulAuthorizationCall,
} from './cedar.js';
import { cedarCall } from './entities.js';
import { GuardError } from './errors.js';
import { MIRROR, type CompiledPolicies } from './policy-set.js';
import { APPROVABLE, type Decision, type DecisionRequest } from './request.js';

export interface DeciderOptions {
  /**
   * Validate each request against the schema (types of context and entities), passing every
   * attribute. Slower (see BENCHMARKS.md, guard); the default passes only the attributes the
   * policies read and denies on any evaluation error instead.
   */
  readonly validateRequests?: boolean;
  /** Decisions kept in the cache; 0 turns it off. Default 10,000. */
  readonly cacheSize?: number;
}

/**
 * Turns a request's facts into a decision: allow, deny, or pending (a second person's
 * approval would allow it), in one evaluation of the action's policies (see
 * `CompiledPolicies.preparse`): a forbid that fires denies; no permit that holds denies;
 * a forbid annotated `@outcome("pending")` on an action that can be approved, when it is
 * the only thing in the way, holds the request pending. Any evaluation error denies (fail
 * closed): Cedar itself would skip an erroring forbid.
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
    this.validateRequests = options.validateRequests ?? false;
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
    const call = this.callFor(request);
    return { decision: this.combine(request, statefulIsAuthorized(call)), call };
  }

  decide(request: DecisionRequest): Decision {
    const call = this.callFor(request);
    if (this.cacheSize === 0) return this.combine(request, statefulIsAuthorized(call));
    const key = `${this.current.version}\u0000${JSON.stringify(call)}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const decision = this.combine(request, statefulIsAuthorized(call));
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    this.cache.set(key, decision);
    return decision;
  }

  private callFor(request: DecisionRequest): StatefulAuthorizationCall {
    const set = this.current.setFor(request.action);
    return this.validateRequests
      ? cedarCall(request, set.id, 'all', this.current.schemaName)
      : cedarCall(request, set.id, set.used, undefined);
  }

  private combine(request: DecisionRequest, answer: AuthorizationAnswer): Decision {
    if (answer.type === 'failure') {
      throw new GuardError(
        'ENGINE_FAILED',
        `the Cedar engine could not decide: ${answer.errors.map((e) => e.message).join('; ')}`,
      );
    }
    const { reason, errors } = answer.response.diagnostics;
    if (errors.length > 0) {
      const text = errors.map((e) => `${strip(e.policyId)}: ${e.error.message}`);
      return { outcome: 'deny', policies: [], errors: text };
    }
    const permits = reason
      .filter((id) => id.startsWith(MIRROR))
      .map(strip)
      .sort();
    const forbids = reason.filter((id) => !id.startsWith(MIRROR)).sort();
    const approvable = APPROVABLE.has(request.action) && request.details?.approved !== true;
    const held = approvable ? forbids.filter((id) => this.current.pendingIds.has(id)) : [];
    const hard = forbids.filter((id) => !held.includes(id));
    if (hard.length > 0) return { outcome: 'deny', policies: forbids, errors: [] };
    if (permits.length === 0) return { outcome: 'deny', policies: [], errors: [] };
    if (held.length > 0) return { outcome: 'pending', policies: held, errors: [] };
    return { outcome: 'allow', policies: permits, errors: [] };
  }
}

function strip(id: string): string {
  return id.startsWith(MIRROR) ? id.slice(MIRROR.length) : id;
}
