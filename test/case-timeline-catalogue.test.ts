import { afterEach, describe, expect, it } from 'vitest';
import { addSubject, caseTimeline, openCase } from '../src/cases/index.js';
import type { AccessEvent } from '../src/domain/index.js';
import { openCheckpoint, recordLeafHash, verifyInclusion } from '../src/ledger/index.js';
import type { GuardFixture } from '../src/guard/test-support.js';
import { casesFixture } from './cases-support.js';

// A seller under investigation: what was done to its reviews and products belongs to its
// timeline, not only what targeted the seller itself (a broker's client has their rivals'
// reviews deleted, or their own fake ones restored). The guard's marketplace: s1 sells p1
// (reviews r1, r2); s2 sells p2 (review r3).

let fx: GuardFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const on = (id: string, type: 'product' | 'review', targetId: string): AccessEvent => ({
  id,
  time: '2026-11-29T09:00:00Z',
  actor: 'am1',
  action: 'x-catalogue.edit',
  target: { type, id: targetId },
  outcome: 'allowed',
});

describe('caseTimeline', () => {
  describe("when a seller subject's reviews and products were acted on", () => {
    it('holds those events, each proved, and none on other sellers’ records', async () => {
      const fixture = await casesFixture();
      fx = fixture.fx;
      const { deps } = fixture;
      const viewed = await fx.guard.request({
        employeeId: 'mod1',
        action: 'review.view',
        targetId: 'r2',
      });
      expect(viewed.outcome).toBe('allow');
      const other = await fx.guard.request({
        employeeId: 'mod1',
        action: 'review.view',
        targetId: 'r3',
      });
      expect(other.outcome).toBe('allow');
      await deps.recorder.write({ event: on('ev-p1', 'product', 'p1') });
      await deps.recorder.write({ event: on('ev-p2', 'product', 'p2') });
      // a review target whose id is s1's: not one of s1's reviews, so not in the timeline
      await deps.recorder.write({ event: on('ev-fake', 'review', 's1') });
      const c = await openCase(deps, 'counsel1', 'bought reviews');
      await addSubject(deps, c.id, 'counsel1', 'seller', 's1');

      const t = await caseTimeline(deps, c.id, 'counsel1');
      const ids = t.entries.map((e) => e.event.id);
      expect(ids).toEqual(expect.arrayContaining([viewed.eventId, 'ev-p1']));
      expect(ids).not.toContain(other.eventId);
      expect(ids).not.toContain('ev-p2');
      expect(ids).not.toContain('ev-fake');
      const { checkpoint } = openCheckpoint(t.checkpoint, [fx.ledger.verifierKey()]);
      for (const [i, entry] of t.entries.entries()) {
        expect(entry.leafHash).toBe(
          recordLeafHash({ kind: 'event', body: t.raw[i]!.event }).toString('hex'),
        );
        expect(() =>
          verifyInclusion(
            entry.leaf,
            Number(checkpoint.size),
            Buffer.from(entry.leafHash, 'hex'),
            entry.proof.map((p) => Buffer.from(p, 'hex')),
            Buffer.from(checkpoint.rootHash),
          ),
        ).not.toThrow();
      }
    });
  });
});
