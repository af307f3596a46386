// The bypasses that were already refused when the guard was attacked (issue 13, top): kept
// here so that they stay refused.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardError, type GuardRequest } from '../../src/guard/index.js';
import { RAW_EMAIL, guardFixture, type GuardFixture } from '../../src/guard/test-support.js';

let f: GuardFixture;
beforeAll(async () => {
  f = await guardFixture({ approvalTtlMs: 60 * 60 * 1000 });
});
afterAll(() => f.close());

const codeOf = (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof GuardError ? e.code : String(e)),
  );
const outcome = async (req: GuardRequest): Promise<string> => (await f.guard.request(req)).outcome;
const del = {
  employeeId: 'mod1',
  action: 'review.delete',
  targetId: 'r1',
  reason: 'abuse',
} as const;

async function pendingId(req: GuardRequest = del): Promise<string> {
  const r = await f.guard.request(req);
  expect(r.outcome).toBe('pending');
  return r.approvalId!;
}

describe('bypasses that stay refused', () => {
  it('refuses a foreign ticket (naming another seller), a closed one, and one held by another', async () => {
    const view = { employeeId: 'a1', action: 'seller.account.view', targetId: 's1' } as const;
    expect(await outcome({ ...view, ticketId: 't3' })).toBe('deny');
    expect(await outcome({ ...view, ticketId: 't2' })).toBe('deny');
    expect(await outcome({ ...view, employeeId: 'mod2', ticketId: 't1' })).toBe('deny');
    expect(await outcome({ ...view, ticketId: 't1' })).toBe('allow');
  });

  it('refuses self-approval and approval from the reporting line', async () => {
    const id = await pendingId();
    expect((await f.guard.approve(id, 'mod1')).decision.policies).toContain('approval-not-self');
    expect((await f.guard.approve(id, 'modlead')).decision.policies).toContain(
      'approval-not-reporting-line',
    );
    expect((await f.guard.approve(id, 'mod3')).decision.policies).toContain(
      'approval-not-assigned-to-seller',
    );
  });

  it('refuses a reused, a mismatched and an expired approval', async () => {
    const id = await pendingId();
    expect((await f.guard.approve(id, 'mod2')).outcome).toBe('allow');
    expect(await codeOf(f.guard.request({ ...del, reason: 'spam', approvalId: id }))).toBe(
      'APPROVAL_MISMATCH',
    );
    expect(await codeOf(f.guard.request({ ...del, targetId: 'r2', approvalId: id }))).toBe(
      'APPROVAL_MISMATCH',
    );
    expect((await f.guard.request({ ...del, approvalId: id })).outcome).toBe('allow');
    expect(await codeOf(f.guard.request({ ...del, approvalId: id }))).toBe('APPROVAL_USED');
    const late = await pendingId({ ...del, targetId: 'r3', reason: 'seller-request' });
    expect((await f.guard.approve(late, 'mod2')).outcome).toBe('allow');
    const before = f.clock.now;
    f.clock.now = '2026-11-29T12:00:00Z';
    expect(
      await codeOf(
        f.guard.request({ ...del, targetId: 'r3', reason: 'seller-request', approvalId: late }),
      ),
    ).toBe('APPROVAL_EXPIRED');
    f.clock.now = before;
  });

  it('refuses a leaver, even one still assigned to the seller', async () => {
    const r = await f.guard.request({
      employeeId: 'gone',
      action: 'seller.metrics.view',
      targetId: 's1',
    });
    expect(r.outcome).toBe('deny');
    expect(r.decision.policies).toContain('employee-active');
  });

  it('refuses odd ids as input errors, recording nothing', async () => {
    const size = f.ledger.size;
    for (const id of ['', 'x'.repeat(129), 'e-00013\u202e', 'nobody']) {
      const code = await codeOf(
        f.guard.request({ employeeId: id, action: 'seller.metrics.view', targetId: 's1' }),
      );
      expect(code, JSON.stringify(id)).toBe('REQUEST_INVALID');
    }
    expect(f.ledger.size).toBe(size);
  });

  it('never stores the plaintext reviewer address in the database files', async () => {
    await f.guard.request({
      employeeId: 'a1',
      action: 'reviewer.contact.view',
      targetId: 'rv1',
      ticketId: 't1',
    });
    const dir = dirname(f.dbPath);
    for (const file of readdirSync(dir)) {
      expect(readFileSync(join(dir, file)).includes(Buffer.from(RAW_EMAIL)), file).toBe(false);
    }
  });
});
