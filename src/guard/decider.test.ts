import { describe, expect, it } from 'vitest';
import { Decider } from './decider.js';
import {
  GUARDED_ACTIONS,
  isCaseStep,
  type DecisionRequest,
  type GuardedAction,
  type Outcome,
  type ResourceFacts,
} from './request.js';
import { approvalOf, defaultPolicies, employee, review, ticket } from './test-support.js';

// The decision matrix: every role × action × relation to the seller, against an outcome
// written here from the rules, independently of the policy text.
const ROLES = [
  { team: 'account-management', role: 'account-manager' },
  { team: 'seller-support', role: 'support-agent' },
  { team: 'seller-support', role: 'team-lead' },
  { team: 'review-moderation', role: 'moderator' },
  { team: 'analytics', role: 'analyst' },
  { team: 'legal', role: 'counsel' },
] as const;
const RELATIONS = ['assigned', 'ticket', 'legal-ticket', 'none'] as const;
type Relation = (typeof RELATIONS)[number];
// approvals and new tickets have their own tests below
const ACTIONS = GUARDED_ACTIONS.filter(
  (a) =>
    a !== 'approval.grant' &&
    a !== 'ticket.open' &&
    a !== 'policy.activate' &&
    a !== 'case.enforce' && // enforcement: policies/decisions.ndjson and test/enforcement.test.ts
    !isCaseStep(a), // case steps: test/attacks/case-steps.test.ts
);
function expected(
  team: string,
  action: GuardedAction,
  relation: Relation,
  rating: number,
): Outcome {
  const purpose = relation !== 'none';
  const moderation = team === 'review-moderation';
  const legal = team === 'legal';
  switch (action) {
    case 'seller.metrics.view':
    case 'seller.account.view':
    case 'seller.metrics.export':
      return purpose ? 'allow' : 'deny';
    case 'reviewer.contact.view':
      return relation === 'ticket' || relation === 'legal-ticket' ? 'allow' : 'deny';
    case 'reviewer.contact.reveal':
      return legal && relation === 'legal-ticket' ? 'pending' : 'deny';
    case 'review.view':
      return moderation || legal || purpose ? 'allow' : 'deny';
    case 'review.delete':
      return moderation ? (rating <= 2 ? 'pending' : 'allow') : 'deny';
    case 'review.restore':
      return moderation || legal ? 'allow' : 'deny';
    default:
      throw new Error(action);
  }
}

function requestFor(
  who: (typeof ROLES)[number],
  action: GuardedAction,
  relation: Relation,
  rating: number,
): DecisionRequest {
  const principal = employee('e1', {
    ...who,
    assignedSellers: relation === 'assigned' ? ['s1', 's9'] : ['s9'],
  });
  const t =
    relation === 'ticket' || relation === 'legal-ticket'
      ? ticket('t1', {
          holders: ['e1'],
          sellers: ['s1'],
          reviews: ['r1'],
          reviewers: ['rv1'],
          legal: relation === 'legal-ticket',
        })
      : undefined;
  const onReview = action.startsWith('review.');
  const resource: ResourceFacts = onReview
    ? { type: 'Review', review: review('r1', { rating, removed: action === 'review.restore' }) }
    : action.startsWith('reviewer.')
      ? { type: 'Reviewer', id: 'rv1' }
      : { type: 'Seller', id: 's1' };
  return {
    principal,
    action,
    resource,
    ...(t ? { ticket: t } : {}),
    details: { reason: 'spam', rows: 100, fields: ['revenue', 'units'] },
  };
}

describe('Decider', () => {
  const decider = new Decider(defaultPolicies(), { cacheSize: 0 });

  describe('when deciding the matrix of roles × actions × relations', () => {
    const cases = ROLES.flatMap((who) =>
      ACTIONS.flatMap((action) =>
        RELATIONS.flatMap((relation) =>
          (action === 'review.delete' ? [1, 2, 4, 5] : [4]).map((rating) => ({
            who,
            action,
            relation,
            rating,
          })),
        ),
      ),
    );

    it.each(cases)(
      '$who.role $action ($relation, rating $rating)',
      ({ who, action, relation, rating }) => {
        const decision = decider.decide(requestFor(who, action, relation, rating));
        expect(decision.outcome).toBe(expected(who.team, action, relation, rating));
        expect(decision.errors).toEqual([]);
        if (decision.outcome !== 'deny') expect(decision.policies.length).toBeGreaterThan(0);
      },
    );
  });

  describe('when a purpose is not quite a purpose', () => {
    const agent = employee('e1');
    const ask = (t: ReturnType<typeof ticket>): Outcome =>
      decider.decide({
        principal: agent,
        action: 'seller.metrics.view',
        resource: { type: 'Seller', id: 's1' },
        ticket: t,
      }).outcome;

    it('denies a ticket that names another seller', () => {
      expect(ask(ticket('t1', { holders: ['e1'], sellers: ['s2'] }))).toBe('deny');
    });
    it('denies a closed ticket', () => {
      expect(ask(ticket('t1', { holders: ['e1'], sellers: ['s1'], open: false }))).toBe('deny');
    });
    it('denies a ticket held by someone else', () => {
      expect(ask(ticket('t1', { holders: ['e2'], sellers: ['s1'] }))).toBe('deny');
    });
    it('denies a ticket the employee opened for themselves', () => {
      expect(ask(ticket('t1', { holders: ['e1'], sellers: ['s1'], selfOpened: true }))).toBe(
        'deny',
      );
    });
    it('allows the same ticket held, open and naming the seller', () => {
      expect(ask(ticket('t1', { holders: ['e1'], sellers: ['s1'] }))).toBe('allow');
    });
  });

  describe('when an employee has left', () => {
    it('denies even the sellers they were assigned', () => {
      const d = decider.decide({
        principal: employee('e1', { active: false, assignedSellers: ['s1'] }),
        action: 'seller.metrics.view',
        resource: { type: 'Seller', id: 's1' },
      });
      expect(d).toMatchObject({ outcome: 'deny', policies: ['employee-active'] });
    });
  });

  describe('when exporting', () => {
    const manager = employee('e1', { team: 'legal', role: 'counsel', assignedSellers: ['s1'] });
    const exportOf = (rows: number, fields: string[], legal = false) =>
      decider.decide({
        principal: manager,
        action: 'seller.metrics.export',
        resource: { type: 'Seller', id: 's1' },
        ...(legal ? { ticket: ticket('t1', { holders: ['e1'], sellers: ['s1'], legal }) } : {}),
        details: { rows, fields },
      });

    it('caps the rows', () => {
      expect(exportOf(5000, ['revenue']).outcome).toBe('allow');
      expect(exportOf(5001, ['revenue'])).toMatchObject({
        outcome: 'deny',
        policies: ['export-row-cap'],
      });
    });
    it('lets personal fields out only for Legal under an open legal case', () => {
      expect(exportOf(10, ['reviewer.email']).policies).toEqual([
        'export-personal-fields-legal-only',
      ]);
      expect(exportOf(10, ['reviewer.email'], true).outcome).toBe('allow');
    });
  });

  describe('when deleting a review', () => {
    const moderator = employee('m1', { team: 'review-moderation', role: 'moderator' });
    const del = (reason: string, rating: number, approved = false) =>
      decider.decide({
        principal: moderator,
        action: 'review.delete',
        resource: { type: 'Review', review: review('r1', { rating }) },
        details: { reason, approved },
      });

    it('needs a known reason', () => {
      expect(del('', 4)).toMatchObject({
        outcome: 'deny',
        policies: ['review-delete-needs-reason'],
      });
      expect(del('because', 4).outcome).toBe('deny');
    });
    it('holds a seller-requested removal for a second approver, whatever the rating', () => {
      expect(del('seller-request', 5)).toMatchObject({
        outcome: 'pending',
        policies: ['review-delete-second-approver'],
      });
    });
    it('lets the approved request through', () => {
      expect(del('seller-request', 5, true).outcome).toBe('allow');
      expect(del('abuse', 1, true).outcome).toBe('allow');
    });
    it('does not turn a plain denial into pending (no reason, even if approval were given)', () => {
      expect(del('', 1).outcome).toBe('deny');
    });
  });

  describe('when choosing the second person', () => {
    const grant = (over: Parameters<typeof employee>[1], a = approvalOf('ap1')) =>
      decider.decide({
        principal: employee('m2', { team: 'review-moderation', role: 'moderator', ...over }),
        action: 'approval.grant',
        resource: { type: 'ApprovalRequest', approval: a },
      });

    it('allows another moderator outside the line, not assigned, not high-risk', () => {
      expect(grant({}).outcome).toBe('allow');
    });
    it('refuses the requester', () => {
      expect(grant({}, approvalOf('ap1', { requester: 'm2' })).policies).toContain(
        'approval-not-self',
      );
    });
    it("refuses the requester's manager and the requester's reports", () => {
      expect(grant({}, approvalOf('ap1', { requesterManagers: ['m2'] })).policies).toContain(
        'approval-not-reporting-line',
      );
      expect(grant({ managers: ['mod1'] }).policies).toContain('approval-not-reporting-line');
    });
    it('refuses someone assigned to the seller concerned', () => {
      expect(grant({ assignedSellers: ['s1'] }).policies).toContain(
        'approval-not-assigned-to-seller',
      );
    });
    it('refuses a high-risk employee', () => {
      expect(grant({ highRisk: true }).policies).toContain('approval-not-high-risk');
    });
    it('refuses a support agent (not a moderator or lead)', () => {
      expect(grant({ team: 'seller-support', role: 'support-agent' }).outcome).toBe('deny');
    });
  });

  describe('when the cache is on', () => {
    it('answers a changed assignment, ticket or policy set afresh', () => {
      const cached = new Decider(defaultPolicies());
      const req = (assigned: string[]): DecisionRequest => ({
        principal: employee('e1', { assignedSellers: assigned }),
        action: 'seller.metrics.view',
        resource: { type: 'Seller', id: 's1' },
      });
      expect(cached.decide(req(['s1'])).outcome).toBe('allow');
      expect(cached.decide(req(['s1'])).outcome).toBe('allow');
      expect(cached.decide(req([])).outcome).toBe('deny');
      const withTicket = (open: boolean): DecisionRequest => ({
        ...req([]),
        ticket: ticket('t1', { holders: ['e1'], sellers: ['s1'], open }),
      });
      expect(cached.decide(withTicket(true)).outcome).toBe('allow');
      expect(cached.decide(withTicket(false)).outcome).toBe('deny');
    });
  });
});
