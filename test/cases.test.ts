import { afterEach, describe, expect, it } from 'vitest';
import {
  acknowledge,
  addNote,
  approveReveal,
  caseTimeline,
  closeCase,
  dismiss,
  escalate,
  lookAtCase,
  requestReveal,
  suppressions,
  type CaseDeps,
} from '../src/cases/index.js';
import { applySuppressions } from '../src/detect/index.js';
import { openCheckpoint, recordLeafHash, verifyInclusion } from '../src/ledger/index.js';
import type { GuardFixture } from '../src/guard/test-support.js';
import { alertAbout, casesFixture } from './cases-support.js';

let fixture: { fx: GuardFixture; deps: CaseDeps } | undefined;
afterEach(async () => {
  await fixture?.fx.close();
  fixture = undefined;
});

/** a1 looks at seller s1 under ticket t1 twice; an alert about a1 cites the first look. */
async function withActivity(): Promise<{ fx: GuardFixture; deps: CaseDeps; events: string[] }> {
  fixture = await casesFixture();
  const { fx } = fixture;
  const events: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await fx.guard.request({
      employeeId: 'a1',
      action: 'seller.account.view',
      targetId: 's1',
      ticketId: 't1',
    });
    expect(r.outcome).toBe('allow');
    events.push(r.eventId);
  }
  return { ...fixture, events };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}

describe('cases', () => {
  describe('when an alert is escalated', () => {
    it('opens a case whose employees are pseudonymous to investigators, and ledgers each look', async () => {
      const { fx, deps, events } = await withActivity();
      const caseId = await escalate(deps, 'counsel1', alertAbout('a1', [events[0]!]));
      await addNote(deps, caseId, 'counsel1', 'a1 viewed s1 twice; check ticket t1');
      const { view } = await lookAtCase(deps, caseId, 'counsel1', 'view');
      const pseudonym = deps.pseudonyms.of(caseId, 'a1');
      expect(view.revealed).toBe(false);
      expect(JSON.stringify(view)).not.toMatch(/\ba1\b/);
      expect(view.subjects).toContainEqual({ kind: 'employee', ref: pseudonym });
      expect(view.notes[0]?.text).toBe(`${pseudonym} viewed s1 twice; check ticket t1`);
      expect(view.alerts[0]?.employeeId).toBe(pseudonym);
      // the look is a ledgered event of the investigator
      const look = (await fx.store.events.byIds([view.lookEvent])).get(view.lookEvent);
      expect(look).toMatchObject({ actor: 'counsel1', action: 'x-case.view' });
      expect(await fx.store.ledger.leafOf(view.lookEvent)).toBeLessThan(fx.ledger.size);
      // stable within a case, different in another
      const other = await escalate(deps, 'counsel1', alertAbout('a1', [], { id: 'al-2' }));
      expect(deps.pseudonyms.of(caseId, 'a1')).toBe(pseudonym);
      expect(deps.pseudonyms.of(other, 'a1')).not.toBe(pseudonym);
    });

    it('refuses the subject anything on their own case or alert', async () => {
      const { deps, events } = await withActivity();
      const alert = alertAbout('a1', [events[0]!]);
      expect(await code(acknowledge(deps, 'a1', alert))).toBe('NOT_PERMITTED');
      expect(
        await code(dismiss(deps, 'a1', alert, { reason: 'fine', until: '2026-12-01T00:00:00Z' })),
      ).toBe('NOT_PERMITTED');
      const caseId = await escalate(deps, 'counsel1', alert);
      expect(await code(lookAtCase(deps, caseId, 'a1', 'view'))).toBe('NOT_PERMITTED');
      expect(await code(addNote(deps, caseId, 'a1', 'nothing to see'))).toBe('NOT_PERMITTED');
      expect(await code(approveReveal(deps, caseId, 'a1'))).toBe('INPUT_INVALID');
    });
  });

  describe('when a reveal is asked for', () => {
    it('names the employees only after a second person, not a subject, approves', async () => {
      const { deps, events } = await withActivity();
      const caseId = await escalate(deps, 'counsel1', alertAbout('a1', [events[0]!]));
      await requestReveal(deps, caseId, 'counsel1', 'legal referral');
      expect(await code(approveReveal(deps, caseId, 'counsel1'))).toBe('NOT_PERMITTED');
      expect(await code(approveReveal(deps, caseId, 'a1'))).toBe('NOT_PERMITTED');
      expect(await code(approveReveal(deps, caseId, 'gone'))).toBe('NOT_PERMITTED');
      expect((await lookAtCase(deps, caseId, 'counsel1', 'view')).view.revealed).toBe(false);
      await approveReveal(deps, caseId, 'counsel2');
      const { view } = await lookAtCase(deps, caseId, 'counsel1', 'view');
      expect(view.revealed).toBe(true);
      expect(view.subjects).toContainEqual({ kind: 'employee', ref: 'a1' });
    });
  });

  describe('when a case is closed', () => {
    it('takes no more notes', async () => {
      const { deps } = await withActivity();
      const caseId = await escalate(deps, 'counsel1', alertAbout('a1', []));
      await closeCase(deps, caseId, 'counsel1', 'no wrongdoing');
      expect(await code(addNote(deps, caseId, 'counsel1', 'late'))).toBe('CASE_CLOSED');
    });
  });
});

describe('a case timeline', () => {
  it('holds every event of the subjects, each proved against the signed checkpoint', async () => {
    const { fx, deps, events } = await withActivity();
    const caseId = await escalate(deps, 'counsel1', alertAbout('a1', [events[0]!]));
    const t = await caseTimeline(deps, caseId, 'counsel1');
    expect(t.raw.map((e) => e.event.id)).toEqual(expect.arrayContaining(events));
    const { checkpoint } = openCheckpoint(t.checkpoint, [fx.ledger.verifierKey()]);
    for (const [i, entry] of t.entries.entries()) {
      const raw = t.raw[i]!;
      expect(entry.leafHash).toBe(
        recordLeafHash({ kind: 'event', body: raw.event }).toString('hex'),
      );
      expect(() =>
        verifyInclusion(
          entry.leaf,
          Number(checkpoint.size),
          Buffer.from(entry.leafHash, 'hex'),
          entry.proof.map((p) => Buffer.from(p, 'hex')),
          checkpoint.rootHash,
        ),
      ).not.toThrow();
      expect(entry.event.actor).not.toBe('a1'); // pseudonymous until revealed
    }
    expect(t.entries.length).toBeGreaterThanOrEqual(2);
  });
});

describe('a dismissal', () => {
  it('needs a reason and a future expiry, and suppresses until it expires', async () => {
    const { fx, deps } = await withActivity();
    const alert = alertAbout('a1', []);
    expect(
      await code(dismiss(deps, 'counsel1', alert, { reason: ' ', until: '2026-12-01T00:00:00Z' })),
    ).toBe('INPUT_INVALID');
    expect(
      await code(dismiss(deps, 'counsel1', alert, { reason: 'ok', until: '2026-11-01T00:00:00Z' })),
    ).toBe('INPUT_INVALID');
    expect(await code(dismiss(deps, 'counsel1', alert, { reason: 'ok', until: 'tomorrow' }))).toBe(
      'INPUT_INVALID',
    );
    await dismiss(deps, 'counsel1', alert, {
      reason: 'a known audit',
      until: '2026-12-01T00:00:00Z',
    });
    const live = await suppressions(deps);
    const raised = { ...alert, id: 'al-7' }; // the same finding, raised again by a later run
    expect(applySuppressions([raised], live, fx.clock.now)[0]?.suppressed?.reason).toBe(
      'a known audit',
    );
    fx.clock.now = '2026-12-01T00:00:01Z';
    expect(applySuppressions([raised], live, fx.clock.now)[0]?.suppressed).toBeUndefined();
  });
});
