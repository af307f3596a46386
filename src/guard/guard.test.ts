import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessEvent } from '../domain/index.js';
import { verifyLedger, verifierKeyFromSigner } from '../ledger/index.js';
import { randomBytes } from 'node:crypto';
import { PrivacyError, RelayAliases, Vault } from '../privacy/index.js';
import { Decider } from './decider.js';
import type { GuardError } from './errors.js';
import { Guard } from './guard.js';
import {
  RAW_EMAIL,
  RAW_NAME,
  defaultPolicies,
  guardFixture,
  type GuardFixture,
} from './test-support.js';

let f: GuardFixture;
beforeEach(async () => {
  f = await guardFixture();
});
afterEach(async () => {
  await f.close();
});

/** Every stored event, in ledger order. */
async function events(): Promise<AccessEvent[]> {
  const out: AccessEvent[] = [];
  for await (const { record } of f.store.ledger.records()) {
    if (record.kind === 'event') out.push(record.body);
  }
  return out;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return (error as GuardError).code;
  }
  return 'no error';
}

describe('Guard', () => {
  describe('when an employee views a seller', () => {
    it('allows the account manager of the seller and records the decision as an event leaf', async () => {
      const before = await f.store.ledger.size();
      const r = await f.guard.request({
        employeeId: 'am1',
        action: 'seller.metrics.view',
        targetId: 's1',
      });
      expect(r.outcome).toBe('allow');
      expect(r.data).toMatchObject({ seller: { id: 's1' } });
      expect(await f.store.ledger.size()).toBe(before + 1);
      const [event] = (await events()).slice(-1);
      expect(event).toMatchObject({
        id: r.eventId,
        actor: 'am1',
        action: 'seller.metrics.view',
        target: { type: 'seller', id: 's1' },
        outcome: 'allowed',
        attrs: { decision: { outcome: 'allow', policies: ['seller-by-assignment'] } },
      });
      expect((await f.store.ledger.latestCheckpoint())?.size).toBe(before + 1);
    });

    it('denies an agent without assignment or ticket, and records the denial', async () => {
      const r = await f.guard.request({
        employeeId: 'a1',
        action: 'seller.metrics.view',
        targetId: 's1',
      });
      expect(r.outcome).toBe('deny');
      expect(r.data).toBeUndefined();
      expect((await events()).at(-1)).toMatchObject({ id: r.eventId, outcome: 'denied' });
    });

    it('denies under a ticket that names another seller, or a closed ticket; allows under its own', async () => {
      const ask = (ticketId: string) =>
        f.guard.request({
          employeeId: 'a1',
          action: 'seller.metrics.view',
          targetId: 's1',
          ticketId,
        });
      expect((await ask('t3')).outcome).toBe('deny');
      expect((await ask('t2')).outcome).toBe('deny');
      expect((await ask('t1')).outcome).toBe('allow');
      expect((await events()).at(-1)).toMatchObject({ ticket: 't1', outcome: 'allowed' });
    });

    it('denies an employee who has left, even on an assigned seller', async () => {
      const r = await f.guard.request({
        employeeId: 'gone',
        action: 'seller.account.view',
        targetId: 's1',
      });
      expect(r).toMatchObject({ outcome: 'deny', decision: { policies: ['employee-active'] } });
    });

    it('rejects an unknown employee, seller or ticket as bad input, recording nothing', async () => {
      const before = await f.store.ledger.size();
      expect(
        await codeOf(
          f.guard.request({ employeeId: 'nobody', action: 'seller.metrics.view', targetId: 's1' }),
        ),
      ).toBe('REQUEST_INVALID');
      expect(
        await codeOf(
          f.guard.request({ employeeId: 'am1', action: 'seller.metrics.view', targetId: 'nope' }),
        ),
      ).toBe('REQUEST_INVALID');
      expect(
        await codeOf(
          f.guard.request({
            employeeId: 'am1',
            action: 'seller.metrics.view',
            targetId: 's1',
            ticketId: 'nope',
          }),
        ),
      ).toBe('REQUEST_INVALID');
      expect(
        await codeOf(
          f.guard.request({ employeeId: 'am1', action: 'seller.metrics.export', targetId: 's1' }),
        ),
      ).toBe('REQUEST_INVALID');
      expect(await f.store.ledger.size()).toBe(before);
    });
  });

  describe('when an employee looks up a reviewer', () => {
    it('hands out a per-viewer relay alias and masked values, and the alias names its receiver', async () => {
      const r = await f.guard.request({
        employeeId: 'a1',
        action: 'reviewer.contact.view',
        targetId: 'rv1',
        ticketId: 't1',
      });
      expect(r.outcome).toBe('allow');
      expect(r.data).toMatchObject({
        reviewerId: 'rv1',
        email: 'j***@e***.com',
        name: 'J*** D***',
      });
      const alias = String(r.data?.['alias']);
      expect(alias).toMatch(/^rv-[a-z2-7]{24}@relay\.marketplace\.example$/);
      const again = await f.guard.request({
        employeeId: 'a1',
        action: 'reviewer.contact.view',
        targetId: 'rv1',
        ticketId: 't1',
      });
      expect(again.data?.['alias']).toBe(alias);
      const issues = await f.store.guard.aliasIssues(alias);
      expect(issues).toHaveLength(2);
      expect(issues[0]).toMatchObject({
        viewer: 'a1',
        reviewer: 'rv1',
        ticket: 't1',
        eventId: r.eventId,
      });
    });

    it('shows an erased reviewer as erased, but never hides an address that fails to open', async () => {
      const ask = {
        employeeId: 'a1',
        action: 'reviewer.contact.view',
        targetId: 'rv1',
        ticketId: 't1',
      } as const;
      const wrongKey = new Guard({
        store: f.store,
        ledger: f.ledger,
        vault: new Vault(randomBytes(32), f.store.dataKeys),
        aliases: new RelayAliases(f.masterKey, 'relay.marketplace.example'),
        decider: new Decider(defaultPolicies()),
        now: () => f.clock.now,
      });
      await expect(wrongKey.request(ask)).rejects.toBeInstanceOf(PrivacyError);
      await f.vault.erase('rv1');
      const r = await f.guard.request(ask);
      expect(r.data).toMatchObject({ email: '(erased)', name: '(erased)' });
    });

    it('denies a look-up without a ticket naming the review', async () => {
      expect(
        (
          await f.guard.request({
            employeeId: 'a1',
            action: 'reviewer.contact.view',
            targetId: 'rv1',
            ticketId: 't3',
          })
        ).outcome,
      ).toBe('deny');
      expect(
        (
          await f.guard.request({
            employeeId: 'am1',
            action: 'reviewer.contact.view',
            targetId: 'rv1',
          })
        ).outcome,
      ).toBe('deny');
    });
  });

  describe('when a moderator deletes a 1-star review', () => {
    const del = {
      employeeId: 'mod1',
      action: 'review.delete',
      targetId: 'r1',
      reason: 'abuse',
    } as const;

    async function pending(): Promise<string> {
      const r = await f.guard.request(del);
      expect(r).toMatchObject({
        outcome: 'pending',
        decision: { policies: ['review-delete-second-approver'] },
      });
      return r.approvalId ?? '';
    }

    it('holds it for a second approver, then carries it out once', async () => {
      const id = await pending();
      expect(await f.store.directory.get('review', 'r1')).not.toMatch(/removedAt/);
      const approval = await f.guard.approve(id, 'mod2');
      expect(approval.outcome).toBe('allow');
      const done = await f.guard.request({ ...del, approvalId: id });
      expect(done.outcome).toBe('allow');
      expect(await f.store.directory.get('review', 'r1')).toMatch(
        /"removedAt":"2026-11-29T10:00:00Z"/,
      );
      const actions = (await events()).slice(-3).map((e) => [e.action, e.outcome]);
      expect(actions).toEqual([
        ['review.delete', 'pending'],
        ['x-approval.grant', 'allowed'],
        ['review.delete', 'allowed'],
      ]);
    });

    it('refuses self-approval, the reporting line, someone assigned to the seller, a high-risk employee', async () => {
      const id = await pending();
      const policiesOf = async (who: string) => (await f.guard.approve(id, who)).decision.policies;
      expect(await policiesOf('mod1')).toContain('approval-not-self');
      expect(await policiesOf('modlead')).toContain('approval-not-reporting-line');
      expect(await policiesOf('mod3')).toContain('approval-not-assigned-to-seller');
      await f.store.findings.save({
        computedAt: f.clock.now,
        ledgerSize: 0,
        events: 0,
        findings: { risk: [{ employeeId: 'mod2', score: 80, reasons: [] }], alerts: [] },
      });
      expect(await policiesOf('mod2')).toContain('approval-not-high-risk');
      const refusals = (await events()).filter((e) => e.action === 'x-approval.grant');
      expect(refusals.map((e) => [e.actor, e.outcome])).toEqual([
        ['mod1', 'denied'],
        ['modlead', 'denied'],
        ['mod3', 'denied'],
        ['mod2', 'denied'],
      ]);
      expect(await codeOf(f.guard.request({ ...del, approvalId: id }))).toBe(
        'APPROVAL_NOT_GRANTED',
      );
    });

    it('refuses a replayed, mismatched, or expired approval', async () => {
      const id = await pending();
      await f.guard.approve(id, 'mod2');
      expect(await codeOf(f.guard.request({ ...del, reason: 'spam', approvalId: id }))).toBe(
        'APPROVAL_MISMATCH',
      );
      expect(await codeOf(f.guard.request({ ...del, employeeId: 'mod2', approvalId: id }))).toBe(
        'APPROVAL_MISMATCH',
      );
      expect((await f.guard.request({ ...del, approvalId: id })).outcome).toBe('allow');
      expect(await codeOf(f.guard.request({ ...del, approvalId: id }))).toBe('APPROVAL_USED');
      expect(await codeOf(f.guard.approve(id, 'mod3'))).toBe('APPROVAL_USED');

      const later = await f.guard.request({ ...del, targetId: 'r2', reason: 'seller-request' });
      f.clock.now = '2026-11-30T10:00:01Z';
      expect(await codeOf(f.guard.approve(later.approvalId ?? '', 'mod2'))).toBe(
        'APPROVAL_EXPIRED',
      );
    });

    it('re-checks the approval inside the write transaction (another process may have used it)', async () => {
      const id = await pending();
      await f.guard.approve(id, 'mod2');
      const before = await f.store.ledger.size();
      const begin = f.store.begin.bind(f.store);
      // another writer marks the approval carried out between our read and our write: the
      // check inside the transaction sees it (the row now disagrees with the ledger: refused)
      f.store.begin = async () => {
        const tx = await begin();
        const a = await f.store.guard.approval(id);
        await tx.putApproval({ ...a!, status: 'executed', executedAt: f.clock.now });
        return tx;
      };
      expect(await codeOf(f.guard.request({ ...del, approvalId: id }))).toBe('NOT_IN_LEDGER');
      f.store.begin = begin;
      expect(await f.store.ledger.size()).toBe(before);
      expect(await f.store.directory.get('review', 'r1')).not.toMatch(/removedAt/);
      expect((await f.store.guard.approval(id))?.status).toBe('approved');
    });

    it('refuses an approval that expired between approval and use', async () => {
      const id = await pending();
      f.clock.now = '2026-11-30T09:00:00Z';
      await f.guard.approve(id, 'mod2');
      f.clock.now = '2026-11-30T10:00:00Z';
      expect(await codeOf(f.guard.request({ ...del, approvalId: id }))).toBe('APPROVAL_EXPIRED');
    });

    it('lets the requester withdraw, and a withdrawn request cannot be approved', async () => {
      const id = await pending();
      expect((await f.guard.reject(id, 'mod1')).outcome).toBe('allow');
      expect(await codeOf(f.guard.approve(id, 'mod2'))).toBe('APPROVAL_USED');
    });
  });

  describe('when a moderator restores a removed review', () => {
    it('writes a version without removedAt; a support agent may not', async () => {
      const del = {
        employeeId: 'mod1',
        action: 'review.delete',
        targetId: 'r3',
        reason: 'spam',
      } as const;
      expect((await f.guard.request(del)).outcome).toBe('allow');
      expect(await f.store.directory.get('review', 'r3')).toMatch(/removedAt/);
      const restore = { ...del, action: 'review.restore', reason: 'removed in error' } as const;
      expect((await f.guard.request({ ...restore, employeeId: 'a1' })).outcome).toBe('deny');
      const r = await f.guard.request(restore);
      expect(r).toMatchObject({ outcome: 'allow', data: { reviewId: 'r3', removedAt: null } });
      expect(await f.store.directory.get('review', 'r3')).not.toMatch(/removedAt/);
      expect((await f.guard.request(restore)).outcome).toBe('deny');
    });
  });

  describe('when Legal reveals a reviewer’s address', () => {
    it('needs an open legal case and a second counsel; only then the raw address, once', async () => {
      const ask = {
        employeeId: 'counsel1',
        action: 'reviewer.contact.reveal',
        targetId: 'rv1',
        ticketId: 'tl',
      } as const;
      const r = await f.guard.request(ask);
      expect(r.outcome).toBe('pending');
      expect((await f.guard.approve(r.approvalId ?? '', 'counsel2')).outcome).toBe('allow');
      const shown = await f.guard.request({ ...ask, approvalId: r.approvalId ?? '' });
      expect(shown.data).toEqual({ reviewerId: 'rv1', email: RAW_EMAIL, name: RAW_NAME });
      expect((await f.guard.request({ ...ask, employeeId: 'a1', ticketId: 't1' })).outcome).toBe(
        'deny',
      );
    });
  });

  describe('when everything above has happened', () => {
    it('keeps raw reviewer emails out of the database files and every non-reveal response', async () => {
      const responses: unknown[] = [];
      responses.push(
        await f.guard.request({
          employeeId: 'a1',
          action: 'reviewer.contact.view',
          targetId: 'rv1',
          ticketId: 't1',
        }),
      );
      responses.push(
        await f.guard.request({ employeeId: 'mod1', action: 'review.view', targetId: 'r1' }),
      );
      const reveal = {
        employeeId: 'counsel1',
        action: 'reviewer.contact.reveal',
        targetId: 'rv1',
        ticketId: 'tl',
      } as const;
      const p = await f.guard.request(reveal);
      responses.push(p, await f.guard.approve(p.approvalId ?? '', 'counsel2'));
      await f.guard.request({ ...reveal, approvalId: p.approvalId ?? '' });
      expect(JSON.stringify(responses)).not.toContain('jane.doe');
      expect(JSON.stringify(responses)).not.toContain(RAW_NAME);
      const dir = dirname(f.dbPath);
      for (const file of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, file));
        expect(bytes.includes(Buffer.from(RAW_EMAIL)), file).toBe(false);
        expect(bytes.includes(Buffer.from('jane.doe')), file).toBe(false);
      }
    });

    it('leaves a ledger that verifies from scratch', async () => {
      await f.guard.request({
        employeeId: 'am1',
        action: 'seller.metrics.export',
        targetId: 's1',
        rows: 10,
        fields: ['revenue'],
      });
      const t = await f.guard.request({
        employeeId: 'a1',
        action: 'ticket.open',
        targetId: 's2',
        topic: 'refund',
      });
      expect(t.outcome).toBe('allow');
      const ticketId = String(t.data?.['ticketId']);
      // a ticket one opens for oneself is no purpose for metrics
      expect(
        (
          await f.guard.request({
            employeeId: 'a1',
            action: 'seller.metrics.view',
            targetId: 's2',
            ticketId,
          })
        ).outcome,
      ).toBe('deny');
      const report = await verifyLedger(f.store, verifierKeyFromSigner(f.signerKey));
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
    });
  });

  describe('when another process appends to the same database', () => {
    it('numbers its leaves after theirs, and the log still verifies', async () => {
      const other = await guardFixture({}, f);
      try {
        expect(
          (
            await other.guard.request({
              employeeId: 'am1',
              action: 'seller.metrics.view',
              targetId: 's1',
            })
          ).outcome,
        ).toBe('allow');
        expect(
          (
            await f.guard.request({
              employeeId: 'am1',
              action: 'seller.account.view',
              targetId: 's1',
            })
          ).outcome,
        ).toBe('allow');
        expect(
          (
            await other.guard.request({
              employeeId: 'am1',
              action: 'seller.metrics.view',
              targetId: 's1',
            })
          ).outcome,
        ).toBe('allow');
        expect(await f.store.events.count()).toBe(3);
        const report = await verifyLedger(f.store, verifierKeyFromSigner(f.signerKey));
        expect(report.problems).toEqual([]);
      } finally {
        await other.close();
      }
    });
  });

  describe('when the write fails half-way', () => {
    it('stores neither the event nor the approval, and the ledger is as it was', async () => {
      const before = await f.store.ledger.size();
      const begin = f.store.begin.bind(f.store);
      f.store.begin = async () => {
        const tx = await begin();
        tx.putApproval = () => Promise.reject(new Error('disk full'));
        return tx;
      };
      await expect(
        f.guard.request({
          employeeId: 'mod1',
          action: 'review.delete',
          targetId: 'r1',
          reason: 'abuse',
        }),
      ).rejects.toThrow('disk full');
      expect(await f.store.ledger.size()).toBe(before);
      expect(await f.store.events.count()).toBe(0);
      expect(await f.store.guard.approvals()).toEqual([]);
      f.store.begin = begin;
      expect(
        (
          await f.guard.request({
            employeeId: 'am1',
            action: 'seller.metrics.view',
            targetId: 's1',
          })
        ).outcome,
      ).toBe('allow');
    });
  });
});
