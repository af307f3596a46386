import { describe, expect, it } from 'vitest';
import type { Findings } from '../domain/index.js';
import { DetectionEngine } from './engine.js';
import { Stream, at } from './test-support.js';

function detect(s: Stream): Findings {
  const engine = new DetectionEngine();
  engine.consume(s.records);
  return engine.findings();
}

/** Staff at one site, a client seller with negative reviews, and a crowd of other sellers. */
function market(): Stream {
  const s = new Stream();
  for (const id of ['m-1', 'a-1', 'a-2']) s.employee(id, { site: 'Shenzhen' });
  s.employee('m-1', { team: 'review-moderation', role: 'moderator', site: 'Shenzhen' });
  for (let i = 1; i <= 20; i++) s.employee(`h-${i}`, { site: 'Dublin' });
  s.seller('client', 'toys').seller('popular', 'home');
  for (let i = 1; i <= 6; i++) s.review(`neg-${i}`, 'client', `u-${i}`, 1);
  return s.history(['m-1', 'a-1', 'a-2', ...Array.from({ length: 20 }, (_, i) => `h-${i + 1}`)]);
}

describe('collusion rings', () => {
  it('names every member and the seller they serve, in one alert per member that cites only their own events', () => {
    const s = market();
    const mine = new Map<string, string[]>([
      ['m-1', []],
      ['a-1', []],
      ['a-2', []],
    ]);
    for (let i = 1; i <= 3; i++)
      mine.get('m-1')!.push(
        s.event('m-1', 'review.delete', 'review', `neg-${i}`, at(i, 1), {
          attrs: { reason: 'other' },
        }),
      );
    for (let i = 4; i <= 6; i++)
      mine
        .get('a-1')!
        .push(s.event('a-1', 'reviewer.contact.view', 'reviewer', `u-${i}`, at(i, 2)));
    for (let i = 1; i <= 3; i++)
      mine
        .get('a-2')!
        .push(s.event('a-2', 'reviewer.contact.view', 'reviewer', `u-${i}`, at(i, 3)));
    const rings = detect(s).alerts.filter((a) => a.detector === 'collusion-ring');
    expect(rings.map((a) => a.employeeId).sort()).toEqual(['a-1', 'a-2', 'm-1']);
    for (const a of rings) {
      expect([...(a.employeeIds ?? [])].sort()).toEqual(['a-1', 'a-2', 'm-1']);
      expect(a.sellerIds).toEqual(['client']);
      for (const id of a.events) expect(mine.get(a.employeeId)).toContain(id);
      expect(a.summary).toContain('all at Shenzhen');
    }
  });

  it('does not make a ring of a crowd looking at a popular seller', () => {
    const s = market();
    for (let i = 1; i <= 20; i++) s.employee(`k-${i}`, { team: 'front-desk', site: 'Dublin' });
    for (let d = -3; d < 2; d++)
      for (let i = 1; i <= 20; i++)
        s.event(`k-${i}`, 'seller.metrics.view', 'seller', 'popular', at(d, 1, i));
    expect(detect(s).alerts.filter((a) => a.detector === 'collusion-ring')).toEqual([]);
  });

  it('grows a ring by a colleague on the same small private network who also serves sellers without purpose', () => {
    const s = market();
    for (let i = 1; i <= 3; i++)
      s.event('m-1', 'review.delete', 'review', `neg-${i}`, at(i, 1), { ip: '203.0.113.9' });
    for (let i = 4; i <= 6; i++)
      s.event('a-1', 'reviewer.contact.view', 'reviewer', `u-${i}`, at(i, 2), {
        ip: '203.0.113.9',
      });
    s.seller('other-1', 'garden').seller('other-2', 'garden');
    s.event('a-2', 'seller.metrics.export', 'seller', 'other-1', at(5, 1), { ip: '203.0.113.9' });
    s.event('a-2', 'seller.metrics.export', 'seller', 'other-2', at(5, 2), { ip: '203.0.113.9' });
    const ring = detect(s).alerts.find((a) => a.detector === 'collusion-ring');
    expect([...(ring?.employeeIds ?? [])].sort()).toEqual(['a-1', 'a-2', 'm-1']);
  });

  it('tells what each seller gained: removals, the rating they bought, look-ups, its ring', () => {
    const s = market();
    for (let i = 1; i <= 4; i++) s.review(`pos-${i}`, 'client', `v-${i}`, 5);
    for (let i = 1; i <= 3; i++) {
      s.event('m-1', 'review.delete', 'review', `neg-${i}`, at(i, 1));
      s.records.push({
        kind: 'review',
        body: {
          id: `neg-${i}`,
          productId: 'p-client',
          reviewerId: `u-${i}`,
          rating: 1,
          createdAt: at(-30),
          removedAt: at(i, 2),
        },
      });
    }
    for (let i = 4; i <= 6; i++)
      s.event('a-1', 'reviewer.contact.view', 'reviewer', `u-${i}`, at(i, 2));
    const engine = new DetectionEngine();
    engine.consume(s.records);
    const [client] = engine.sellers();
    expect(client?.sellerId).toBe('client');
    expect(client?.negativeRemovals).toBe(3);
    // Left: neg-4..6 (1★) and 4 × 5★ = 23 over 7; with the 3 removed 1★ back: 26 over 10.
    expect(client?.ratingLift).toBeCloseTo(23 / 7 - 26 / 10, 2);
    expect(client?.negativeReviewersLookedUp).toBe(3);
    expect(client?.inRing).toBe(true);
    expect([...(client?.employees ?? [])].sort()).toEqual(['a-1', 'm-1']);
  });
});
