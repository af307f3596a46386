import { describe, expect, it } from 'vitest';
import type { Alert } from '../domain/index.js';
import { DetectionEngine } from './engine.js';
import { Stream, at } from './test-support.js';

function ringAlerts(s: Stream): Alert[] {
  const engine = new DetectionEngine();
  engine.consume(s.records);
  return engine.findings().alerts.filter((a) => a.detector === 'collusion-ring');
}

/** A moderator and two agents at Shenzhen; a toys client with negatives; six toys competitors. */
function market(agentSite = 'Shenzhen'): Stream {
  const s = new Stream();
  s.employee('m-1', { team: 'review-moderation', role: 'moderator', site: 'Shenzhen' });
  s.employee('a-1', { site: 'Shenzhen' }).employee('a-2', { site: agentSite });
  for (let i = 1; i <= 3; i++) s.employee(`h-${i}`, { site: 'Dublin' });
  s.seller('client', 'toys');
  for (let i = 1; i <= 6; i++) s.seller(`c-${i}`, 'toys').seller(`g-${i}`, 'garden');
  for (let i = 1; i <= 6; i++) s.review(`neg-${i}`, 'client', `u-${i}`, 1);
  return s.history(['m-1', 'a-1', 'a-2', 'h-1', 'h-2', 'h-3']);
}

/**
 * The moderator removes the client's negatives from the office; the agents sell metrics of
 * three competitors each — no seller in common — from the broker's device or address.
 */
function brokerRing(s: Stream, broker: { device?: string; ip?: string }): void {
  for (let i = 1; i <= 3; i++)
    s.event('m-1', 'review.delete', 'review', `neg-${i}`, at(i, 1), { attrs: { reason: 'other' } });
  for (let i = 1; i <= 3; i++) {
    s.event('a-1', 'seller.metrics.view', 'seller', `c-${i}`, at(i, 2), broker);
    s.event('a-2', 'seller.metrics.view', 'seller', `c-${i + 3}`, at(i, 3), broker);
  }
}

describe('ring growth', () => {
  describe('when agents share a broker device and a moderator at their site removes negatives of a seller in the category they snoop', () => {
    it('names all three and the client in one ring, with the shared device', () => {
      const s = market();
      brokerRing(s, { device: 'broker-rd' });
      const alerts = ringAlerts(s);
      expect(alerts.map((a) => a.employeeId).sort()).toEqual(['a-1', 'a-2', 'm-1']);
      for (const a of alerts) {
        expect([...(a.employeeIds ?? [])].sort()).toEqual(['a-1', 'a-2', 'm-1']);
        expect(a.sellerIds).toEqual(['client']);
        expect(a.summary).toContain('shared devices: broker-rd (2)');
      }
    });
  });

  describe('when the agents share only the broker address, no device', () => {
    it('finds the same ring: the device is not needed', () => {
      const s = market();
      brokerRing(s, { ip: '203.0.113.9' });
      const [alert] = ringAlerts(s);
      expect([...(alert?.employeeIds ?? [])].sort()).toEqual(['a-1', 'a-2', 'm-1']);
      expect(alert?.sellerIds).toEqual(['client']);
    });
  });

  describe('when the agents work at another site than the moderator', () => {
    it('does not join the moderator by category: the ring is not at one site', () => {
      const s = market('Dublin');
      brokerRing(s, { device: 'broker-rd' });
      const alerts = ringAlerts(s);
      expect(alerts.map((a) => a.employeeId).sort()).toEqual(['a-1', 'a-2']);
    });
  });

  describe.each([
    ['a terminal handed over between shifts', { device: 'desk-1' }],
    ['an office behind one address', { ip: '10.1.255.7' }],
  ])('when colleagues share %s for all their work', (_, shared) => {
    it('does not take them for a ring, though each gave sellers something without purpose', () => {
      const s = market();
      for (let i = 1; i <= 3; i++) {
        for (let k = 0; k < 30; k++)
          s.event(`h-${i}`, 'login', 'dataset', 'console', at(k % 9, 8 + i), shared);
        // Two exports each, of sellers no one else touched: weight enough to count, no seller shared.
        for (let k = 1; k <= 2; k++)
          s.event(
            `h-${i}`,
            'seller.metrics.export',
            'seller',
            `g-${2 * i - 2 + k}`,
            at(k, 9 + i),
            shared,
          );
      }
      expect(ringAlerts(s)).toEqual([]);
    });
  });
});
