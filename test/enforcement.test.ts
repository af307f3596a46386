import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HttpOutboxSink,
  addSubject,
  deliverOutbox,
  enforce,
  escalate,
  type CaseDeps,
} from '../src/cases/index.js';
import { MEASURES, type Enforcement, type GuardResult } from '../src/guard/index.js';
import type { GuardFixture } from '../src/guard/test-support.js';
import { alertAbout, casesFixture } from './cases-support.js';

let fixture: { fx: GuardFixture; deps: CaseDeps } | undefined;
afterEach(async () => {
  await fixture?.fx.close();
  fixture = undefined;
});

/** A case about a1 (a support agent) and seller s1, escalated by counsel1. */
async function caseAboutA1(): Promise<{ fx: GuardFixture; deps: CaseDeps; caseId: string }> {
  fixture = await casesFixture();
  const caseId = await escalate(fixture.deps, 'counsel1', alertAbout('a1', []));
  return { ...fixture, caseId };
}

const MEASURE_INPUT: Record<string, Enforcement> = {
  'seller.suspend': { measure: 'seller.suspend', subject: 's1', rule: 'ToS 4.2' },
  'seller.terminate': { measure: 'seller.terminate', subject: 's1', rule: 'ToS 4.2' },
  'seller.reinstate': { measure: 'seller.reinstate', subject: 's1' },
  'funds.withhold': {
    measure: 'funds.withhold',
    subject: 's1',
    amount: 125_000,
    currency: 'EUR',
    rule: 'ToS 4.2',
  },
  'funds.release': { measure: 'funds.release', subject: 's1', amount: 125_000, currency: 'EUR' },
  'reviews.remove': { measure: 'reviews.remove', subject: 's1', reviews: ['r2'], rule: 'ToS 4.2' },
  'reviews.restore': {
    measure: 'reviews.restore',
    subject: 's1',
    reviews: ['r1'],
    rule: 'ToS 4.2',
  },
  'employee.suspend': { measure: 'employee.suspend', subject: 'a1' },
  'employee.revoke': { measure: 'employee.revoke', subject: 'a1' },
  'employee.reinstate': { measure: 'employee.reinstate', subject: 'a1' },
  'legal.referral': { measure: 'legal.referral', subject: 's1', bundle: 'ab'.repeat(32) },
};

/** Asks, has counsel2 approve, carries out: the two-person path. */
async function approved(
  deps: CaseDeps,
  fx: GuardFixture,
  caseId: string,
  enforcement: Enforcement,
): Promise<GuardResult> {
  const ask = { caseId, actor: 'counsel1', reason: 'bought reviews', enforcement };
  const pending = await enforce(deps, fx.guard, ask);
  expect(pending.outcome).toBe('pending');
  expect((await fx.guard.approve(pending.approvalId!, 'counsel2')).outcome).toBe('allow');
  return enforce(deps, fx.guard, { ...ask, approvalId: pending.approvalId! });
}

describe('enforcement measures', () => {
  it('covers every measure in this test', () => {
    expect(Object.keys(MEASURE_INPUT).sort()).toEqual(Object.keys(MEASURES).sort());
  });

  it('are each refused without a second approver, and with an approver who is a subject', async () => {
    const { fx, deps, caseId } = await caseAboutA1();
    await addSubject(deps, caseId, 'counsel1', 'employee', 'counsel2'); // counsel2 is investigated too
    for (const enforcement of Object.values(MEASURE_INPUT)) {
      const ask = { caseId, actor: 'counsel1', reason: 'bought reviews', enforcement };
      const first = await enforce(deps, fx.guard, ask);
      expect(first.outcome, enforcement.measure).toBe('pending');
      expect((await enforce(deps, fx.guard, ask)).outcome).toBe('pending'); // asking again is not approving
      expect((await fx.guard.approve(first.approvalId!, 'counsel1')).outcome).toBe('deny'); // self
      const bySubject = await fx.guard.approve(first.approvalId!, 'counsel2');
      expect(bySubject.outcome).toBe('deny');
      expect(bySubject.decision.policies).toContain('approval-not-subject');
      await expect(
        enforce(deps, fx.guard, { ...ask, approvalId: first.approvalId! }),
      ).rejects.toMatchObject({ code: 'APPROVAL_NOT_GRANTED' });
    }
    expect(await fx.store.cases.outbox('all')).toEqual([]); // nothing reached the marketplace
  });

  it('are refused to a subject of the case and outside the case', async () => {
    const { fx, deps, caseId } = await caseAboutA1();
    await addSubject(deps, caseId, 'counsel1', 'employee', 'counsel2');
    const byCounsel2 = await enforce(deps, fx.guard, {
      caseId,
      actor: 'counsel2',
      reason: 'x',
      enforcement: MEASURE_INPUT['seller.suspend']!,
    });
    expect(byCounsel2.decision.policies).toContain('enforce-not-subject');
    expect(byCounsel2.outcome).toBe('deny');
    const notNamed = enforce(deps, fx.guard, {
      caseId,
      actor: 'counsel1',
      reason: 'x',
      enforcement: { measure: 'seller.suspend', subject: 's2', rule: 'ToS 4.2' },
    });
    await expect(notNamed).rejects.toMatchObject({ code: 'REQUEST_INVALID' });
    const byAgent = await enforce(deps, fx.guard, {
      caseId,
      actor: 'am1',
      reason: 'x',
      enforcement: MEASURE_INPUT['seller.suspend']!,
    });
    expect(byAgent.outcome).toBe('deny');
  });

  it('a revoked employee is denied by the guard until reinstated', async () => {
    const { fx, deps, caseId } = await caseAboutA1();
    const look = {
      employeeId: 'a1',
      action: 'seller.account.view' as const,
      targetId: 's1',
      ticketId: 't1',
    };
    expect((await fx.guard.request(look)).outcome).toBe('allow');
    expect((await approved(deps, fx, caseId, MEASURE_INPUT['employee.revoke']!)).outcome).toBe(
      'allow',
    );
    const denied = await fx.guard.request(look);
    expect(denied.outcome).toBe('deny');
    expect(denied.decision.policies).toEqual(['employee-active']);
    expect((await approved(deps, fx, caseId, MEASURE_INPUT['employee.reinstate']!)).outcome).toBe(
      'allow',
    );
    expect((await fx.guard.request(look)).outcome).toBe('allow');
  });

  it('restores removed negative reviews and names their reviewers by relay alias only', async () => {
    const { fx, deps, caseId } = await caseAboutA1();
    await approved(deps, fx, caseId, {
      measure: 'reviews.remove',
      subject: 's1',
      reviews: ['r1'],
      rule: 'ToS 4.2',
    });
    expect(JSON.parse((await fx.store.directory.get('review', 'r1'))!)).toHaveProperty('removedAt');
    const restored = await approved(deps, fx, caseId, MEASURE_INPUT['reviews.restore']!);
    expect(JSON.parse((await fx.store.directory.get('review', 'r1'))!)).not.toHaveProperty(
      'removedAt',
    );
    const tell = restored.data?.['tell'] as { reviewerId: string; alias: string }[];
    expect(tell.map((t) => t.reviewerId)).toEqual(['rv1']);
    expect(tell[0]?.alias).toMatch(/^rv-[a-z2-7]{24}@/);
    expect(JSON.stringify(restored)).not.toContain('jane.doe');
  });

  it('carries out only the measure that was approved (no changed amount)', async () => {
    const { fx, deps, caseId } = await caseAboutA1();
    const ask = {
      caseId,
      actor: 'counsel1',
      reason: 'bought reviews',
      enforcement: MEASURE_INPUT['funds.withhold']!,
    };
    const pending = await enforce(deps, fx.guard, ask);
    await fx.guard.approve(pending.approvalId!, 'counsel2');
    const larger = { ...ask, enforcement: { ...ask.enforcement, amount: 99_999_999 } };
    await expect(
      enforce(deps, fx.guard, { ...larger, approvalId: pending.approvalId! }),
    ).rejects.toMatchObject({ code: 'APPROVAL_MISMATCH' });
    expect(await fx.store.cases.outbox('all')).toEqual([]);
    const done = await enforce(deps, fx.guard, { ...ask, approvalId: pending.approvalId! });
    expect(done.outcome).toBe('allow');
    await expect(
      enforce(deps, fx.guard, { ...ask, approvalId: pending.approvalId! }),
    ).rejects.toMatchObject({ code: 'APPROVAL_USED' });
  });

  it('refuses funds measures without an amount and currency', async () => {
    const { fx, deps, caseId } = await caseAboutA1();
    await expect(
      enforce(deps, fx.guard, {
        caseId,
        actor: 'counsel1',
        reason: 'x',
        enforcement: { measure: 'funds.withhold', subject: 's1' },
      }),
    ).rejects.toMatchObject({ code: 'REQUEST_INVALID' });
  });
});

describe('the outbox', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('retries a delivery whose answer was lost, without a second effect', async () => {
    const { fx, deps, caseId } = await caseAboutA1();
    const done = await approved(deps, fx, caseId, MEASURE_INPUT['funds.withhold']!);
    expect(done.outcome).toBe('allow');
    // the marketplace: holds funds once per command id; the first answer is lost
    const held: string[] = [];
    let requests = 0;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        requests++;
        const key = req.headers['idempotency-key'] as string;
        const command = JSON.parse(body) as { id: string; command: { amount: number } };
        expect(command.id).toBe(key);
        if (!held.includes(key)) held.push(key);
        if (requests === 1)
          req.socket.destroy(); // applied, but the acknowledgement never arrives
        else res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
    const sink = new HttpOutboxSink(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/commands`,
    );
    const first = await deliverOutbox(deps, sink);
    expect(first.delivered).toEqual([]);
    expect(first.failed).toHaveLength(1);
    const [pending] = await fx.store.cases.outbox('pending');
    expect(pending).toMatchObject({ attempts: 1, measure: 'funds.withhold' });
    const second = await deliverOutbox(deps, sink);
    expect(second.delivered).toEqual([pending!.id]);
    expect(held).toEqual([pending!.id]); // one effect for two deliveries
    expect(requests).toBe(2);
    expect(await fx.store.cases.outbox('pending')).toEqual([]);
    expect((await deliverOutbox(deps, sink)).delivered).toEqual([]);
  });
});
