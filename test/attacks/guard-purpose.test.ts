// Attack (issue row 6): open a seller's ticket yourself, then cite it as the purpose of a
// look-up. One rule (policies/purpose.cedar) refuses it for every purpose-bound action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PURPOSE_BOUND, type GuardRequest, type Operation } from '../../src/guard/index.js';
import { guardFixture, type GuardFixture } from '../../src/guard/test-support.js';

let f: GuardFixture;
beforeAll(async () => {
  f = await guardFixture();
});
afterAll(() => f.close());

/** Opens a ticket on seller s1 as `who`; returns its id. */
async function selfOpened(who: string): Promise<string> {
  const r = await f.guard.request({
    employeeId: who,
    action: 'ticket.open',
    targetId: 's1',
    topic: 'a seller asked',
  });
  expect(r.outcome).toBe('allow');
  return (r.data as { ticketId: string }).ticketId;
}

function targetOf(action: Operation): string {
  if (action.startsWith('reviewer.')) return 'rv1';
  if (action.startsWith('review.')) return 'r1';
  return 's1';
}

describe('a ticket the employee opened for themselves', () => {
  describe('when cited for any purpose-bound action', () => {
    it('is refused by the one purpose rule, for every such action', async () => {
      const ticketId = await selfOpened('a1');
      for (const action of PURPOSE_BOUND as Operation[]) {
        const req: GuardRequest = {
          employeeId: 'a1',
          action,
          targetId: targetOf(action),
          ticketId,
          ...(action === 'seller.metrics.export' ? { rows: 10, fields: ['revenue'] } : {}),
        };
        const r = await f.guard.request(req);
        expect(r.outcome, action).toBe('deny');
        expect(r.decision.policies, action).toContain('purpose-not-self-given');
      }
    });
  });

  describe('when the same employee cites a ticket someone else opened', () => {
    it('is allowed for the review it names (the rule is about who opened it)', async () => {
      const r = await f.guard.request({
        employeeId: 'a1',
        action: 'review.view',
        targetId: 'r1',
        ticketId: 't1',
      });
      expect(r.outcome).toBe('allow');
    });
  });
});
