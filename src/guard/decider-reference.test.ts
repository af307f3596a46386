import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decider } from './decider.js';
import { GUARDED_ACTIONS, type DecisionRequest, type ResourceFacts } from './request.js';
import { defaultPolicies, referenceDecide } from './test-support.js';

// The decider evaluates once, with permits mirrored as forbids and only the attributes the
// policies read; plain Cedar evaluates the policies as written, every attribute passed and
// validated, twice when pending. Both must agree on every request.

const ids = (pool: string[]) => fc.subarray(pool);
const team = fc.constantFrom(
  'account-management',
  'seller-support',
  'review-moderation',
  'analytics',
  'legal',
);
const role = fc.constantFrom(
  'account-manager',
  'support-agent',
  'moderator',
  'analyst',
  'counsel',
  'team-lead',
  'investigator',
);

const resource: fc.Arbitrary<ResourceFacts> = fc.oneof(
  fc.constantFrom('s1', 's2').map((id) => ({ type: 'Seller' as const, id })),
  fc.constantFrom('rv1', 'rv2').map((id) => ({ type: 'Reviewer' as const, id })),
  fc.constantFrom('e1', 'e2').map((id) => ({ type: 'Employee' as const, id })),
  fc.constantFrom('ps1').map((id) => ({ type: 'PolicySet' as const, id })),
  fc
    .record({
      id: fc.constantFrom('r1', 'r2'),
      sellerId: fc.constantFrom('s1', 's2'),
      reviewerId: fc.constantFrom('rv1', 'rv2'),
      rating: fc.integer({ min: 1, max: 5 }),
      removed: fc.boolean(),
    })
    .map((review) => ({ type: 'Review' as const, review })),
  fc
    .record({
      id: fc.constant('ap1'),
      requester: fc.constantFrom('e1', 'e2', 'e3'),
      requesterManagers: ids(['e1', 'e2', 'e3']),
      action: fc.constantFrom(
        'review.delete' as const,
        'reviewer.contact.reveal' as const,
        'policy.activate' as const,
        'case.enforce' as const,
      ),
      sellers: ids(['s1', 's2']),
      subjects: ids(['e1', 'e2', 'e3']),
    })
    .map((approval) => ({ type: 'ApprovalRequest' as const, approval })),
  fc
    .record({
      id: fc.constant('case1'),
      subjects: ids(['e1', 'e2', 'e3']),
      sellers: ids(['s1', 's2']),
    })
    .map((c) => ({ type: 'Case' as const, case: c })),
  fc
    .record({
      id: fc.constant('al-1'),
      subjects: ids(['e1', 'e2', 'e3']),
      sellers: ids(['s1', 's2']),
    })
    .map((alert) => ({ type: 'Alert' as const, alert })),
);

const request: fc.Arbitrary<DecisionRequest> = fc
  .record({
    principal: fc.record({
      id: fc.constantFrom('e1', 'e2'),
      team,
      role,
      site: fc.constant('SZX'),
      active: fc.boolean(),
      highRisk: fc.boolean(),
      assignedSellers: ids(['s1', 's2', 's3']),
      managers: ids(['e1', 'e2', 'e3']),
    }),
    action: fc.constantFrom(...GUARDED_ACTIONS),
    resource,
    ticket: fc.option(
      fc.record({
        id: fc.constant('t1'),
        open: fc.boolean(),
        holders: ids(['e1', 'e2']),
        sellers: ids(['s1', 's2']),
        reviews: ids(['r1', 'r2']),
        reviewers: ids(['rv1', 'rv2']),
        legal: fc.boolean(),
        selfOpened: fc.boolean(),
      }),
      { nil: undefined },
    ),
    details: fc.record({
      rows: fc.integer({ min: -1, max: 9000 }),
      fields: ids(['revenue', 'units', 'email', 'reviewer.email']),
      reason: fc.constantFrom('', 'spam', 'seller-request', 'because'),
      topic: fc.constantFrom('', 'refund'),
      measure: fc.constantFrom('seller.suspend', 'employee.revoke'),
      step: fc.constantFrom('open', 'dismiss', 'approve'),
      approved: fc.boolean(),
    }),
  })
  // only requests whose resource is of the action's type reach the decider (the guard checks)
  .filter((r) => {
    if (r.action === 'privacy.erase')
      return ['Employee', 'Reviewer', 'Seller'].includes(r.resource.type);
    const want = r.action.startsWith('review.')
      ? 'Review'
      : r.action.startsWith('reviewer.')
        ? 'Reviewer'
        : r.action === 'approval.grant'
          ? 'ApprovalRequest'
          : r.action === 'policy.activate'
            ? 'PolicySet'
            : r.action === 'alert.triage'
              ? 'Alert'
              : r.action.startsWith('case.')
                ? 'Case'
                : 'Seller';
    return r.resource.type === want;
  })
  .map(({ ticket, ...r }) => (ticket ? { ...r, ticket } : r));

describe('Decider against plain Cedar', () => {
  const policies = defaultPolicies();
  const fast = new Decider(policies, { cacheSize: 0 });
  const validated = new Decider(policies, { cacheSize: 0, validateRequests: true });

  describe('when any request of the schema is decided', () => {
    it('gives the same outcome and deciding policies, with or without schema validation', () => {
      fc.assert(
        fc.property(request, (r) => {
          const reference = referenceDecide(policies, r);
          expect(fast.decide(r)).toEqual(reference);
          expect(validated.decide(r)).toEqual(reference);
        }),
        { numRuns: 1500 },
      );
      // ~20 s on a quiet machine; three evaluations a run, and the machine may be shared
    }, 240_000);
  });
});
