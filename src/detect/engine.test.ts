import { describe, expect, it } from 'vitest';
import { atLeast, type Findings } from '../domain/index.js';
import { ActorSlot, DetectionEngine } from './engine.js';
import { Stream, at } from './test-support.js';

function detect(s: Stream): Findings {
  const engine = new DetectionEngine();
  engine.consume(s.records);
  return engine.findings();
}

const riskOf = (f: Findings, id: string): number =>
  f.risk.find((r) => r.employeeId === id)?.score ?? 0;
const alertsOf = (f: Findings, id: string, detector?: string) =>
  f.alerts.filter(
    (a) => a.employeeId === id && (detector === undefined || a.detector === detector),
  );

/** A small support team: four agents, sellers in two categories. */
/**
 * Moderators with history, so that what one of them does is held against peers who never
 * did it (an uncorroborated alert needs a peer distribution: corroboration.ts).
 */
function moderators(s: Stream, ids: readonly string[]): Stream {
  for (const id of ids) s.employee(id, { team: 'review-moderation', role: 'moderator' });
  return s.history(ids);
}

function team(): Stream {
  const s = new Stream();
  for (const id of ['e-1', 'e-2', 'e-3', 'e-4']) s.employee(id);
  for (let i = 1; i <= 12; i++) s.seller(`s-${i}`, i <= 8 ? 'toys' : 'home');
  return s.history(['e-1', 'e-2', 'e-3', 'e-4']);
}

/**
 * `team()` with a moderator, `m-1`, and `n` 1★ reviews of `s-1` (`neg-i` by `u-i`), each
 * disputed in a ticket `d-i` assigned to `e-1`: a ring's harvester working under the client's
 * own dispute tickets.
 */
function disputedCritics(n: number): Stream {
  const s = moderators(team(), ['m-1']);
  for (let i = 1; i <= n; i++) {
    s.review(`neg-${i}`, 's-1', `u-${i}`, 1);
    s.ticket(`d-${i}`, 's-1', 'e-1', { reviewId: `neg-${i}` });
  }
  return s;
}

describe('DetectionEngine', () => {
  describe('when an agent views metrics of sellers they have no purpose for', () => {
    it('raises metrics-without-purpose, scores them, and cites only their own events', () => {
      const s = team();
      const mine = [1, 2, 3, 4, 5, 6].map((i) =>
        s.event('e-1', 'seller.metrics.view', 'seller', `s-${i}`, at(0, 1, i)),
      );
      const f = detect(s);
      const alert = alertsOf(f, 'e-1', 'metrics-without-purpose')[0]!;
      expect(atLeast(alert.severity, 'medium')).toBe(true);
      expect(alert.eventTime).toBe(at(0, 1, 4)); // crossed at the fourth seller of one category
      expect(riskOf(f, 'e-1')).toBeGreaterThan(0);
      for (const r of f.risk)
        for (const reason of r.reasons) for (const id of reason.events) expect(mine).toContain(id);
    });

    it('raises on one seller’s metrics viewed again and again over weeks, not on as many views of different sellers', () => {
      const slow = team();
      // low and slow: s-1 four times over two weeks, two others once, never 4 in a week
      for (const [d, seller] of [
        [1, 's-1'],
        [3, 's-9'],
        [5, 's-1'],
        [7, 's-10'],
        [9, 's-1'],
        [13, 's-1'],
      ] as const)
        slow.event('e-1', 'seller.metrics.view', 'seller', seller, at(d, 1));
      const [alert] = alertsOf(detect(slow), 'e-1', 'metrics-without-purpose');
      expect(alert?.severity).toBe('medium');
      expect(alert?.summary).toContain('one of them 4 times');
      expect(alert?.eventTime).toBe(at(13, 1));
      const spread = team();
      // six sellers, alternating categories (never four of one category in a week)
      for (const [d, seller] of [
        [1, 's-1'],
        [3, 's-9'],
        [5, 's-2'],
        [7, 's-10'],
        [9, 's-3'],
        [13, 's-11'],
      ] as const)
        spread.event('e-1', 'seller.metrics.view', 'seller', seller, at(d, 1));
      expect(alertsOf(detect(spread), 'e-1', 'metrics-without-purpose')).toEqual([]);
    });

    it('does not count accesses justified by an assignment, a cited ticket, or a ticket they hold', () => {
      const s = team();
      s.assign('e-1', 's-1').assign('e-1', 's-2');
      s.ticket('t-3', 's-3', 'e-1')
        .ticket('t-4', 's-4', 'e-1')
        .ticket('t-5', 's-5', 'e-1')
        .ticket('t-6', 's-6', 'e-1');
      s.event('e-1', 'seller.metrics.view', 'seller', 's-1', at(0, 1));
      s.event('e-1', 'seller.metrics.view', 'seller', 's-2', at(0, 2));
      s.event('e-1', 'seller.metrics.view', 'seller', 's-3', at(0, 3), { ticket: 't-3' });
      s.event('e-1', 'seller.metrics.view', 'seller', 's-4', at(0, 4), { ticket: 't-4' });
      s.event('e-1', 'seller.metrics.view', 'seller', 's-5', at(0, 5)); // forgot to cite t-5
      s.event('e-1', 'seller.metrics.export', 'seller', 's-6', at(0, 6), { ticket: 't-6' });
      const f = detect(s);
      expect(f.alerts).toEqual([]);
      expect(riskOf(f, 'e-1')).toBe(0);
    });

    it('learns that a group views many sellers without tickets, and does not alert on its members', () => {
      const s = team();
      const analysts = ['x-1', 'x-2', 'x-3', 'x-4'];
      for (const id of analysts) s.employee(id, { team: 'insight-7', role: 'quant' });
      for (const id of analysts)
        for (let d = -3; d <= 0; d++)
          for (let i = 1; i <= 5; i++)
            s.event(id, 'seller.metrics.view', 'seller', `s-${i + (d + 2) * 2}`, at(d, 2, i));
      s.event('x-1', 'seller.metrics.view', 'seller', 's-12', at(1, 3));
      for (let i = 1; i <= 8; i++)
        s.event('e-4', 'seller.metrics.view', 'seller', `s-${i}`, at(1, 3, i));
      const f = detect(s);
      expect(f.alerts.filter((a) => analysts.includes(a.employeeId))).toEqual([]);
      expect(alertsOf(f, 'e-4', 'metrics-without-purpose').length).toBeGreaterThan(0);
    });

    it('waits for a peer group to have history before alerting on what is rare in it (cold start)', () => {
      const s = new Stream();
      for (const id of ['e-1', 'e-2', 'e-3', 'e-4']) s.employee(id);
      for (let i = 1; i <= 8; i++) s.seller(`s-${i}`, 'toys');
      for (let i = 1; i <= 6; i++)
        s.event('e-1', 'seller.metrics.view', 'seller', `s-${i}`, at(0, 1, i));
      expect(detect(s).alerts).toEqual([]);
      s.history(['e-2', 'e-3', 'e-4']);
      for (const id of ['e-1', 'e-2', 'e-3', 'e-4'])
        s.event(id, 'login', 'system', 'console', at(1));
      s.event('e-1', 'seller.metrics.view', 'seller', 's-7', at(1, 1));
      expect(alertsOf(detect(s), 'e-1', 'metrics-without-purpose').length).toBeGreaterThan(0);
    });
  });

  describe('when a cited ticket does not fit', () => {
    it('flags tickets about other sellers, and self-opened tickets', () => {
      const s = team();
      s.ticket('t-9', 's-9', 'e-2').ticket('t-own', 's-1', 'e-3', { openedBy: 'e-3' });
      s.event('e-2', 'seller.metrics.view', 'seller', 's-1', at(0, 1), { ticket: 't-9' });
      s.event('e-2', 'seller.metrics.view', 'seller', 's-2', at(0, 2), { ticket: 't-9' });
      s.event('e-3', 'seller.metrics.export', 'seller', 's-1', at(0, 1), { ticket: 't-own' });
      s.event('e-3', 'seller.metrics.view', 'seller', 's-1', at(0, 2), { ticket: 't-own' });
      const f = detect(s);
      expect(alertsOf(f, 'e-2', 'purpose-mismatch').map((a) => a.severity)).toEqual(['medium']);
      expect(alertsOf(f, 'e-3', 'self-serving-ticket').map((a) => a.severity)).toEqual(['medium']);
    });

    it('does not hold self-opened tickets against staff whose peers open their own every day', () => {
      const s = new Stream();
      const desk = ['c-1', 'c-2', 'c-3', 'c-4'];
      for (const id of desk) s.employee(id, { team: 'phone-desk-2', role: 'intake-agent' });
      s.seller('s-1').seller('s-2');
      let n = 0;
      const later: string[] = [];
      for (let d = -3; d <= 0; d++)
        for (const id of desk) {
          const t = `t-${++n}`;
          const seller = d % 2 === 0 ? 's-1' : 's-2';
          s.ticket(t, seller, id, { openedBy: id, openedAt: at(d, 1) });
          const ids = [
            s.event(id, 'seller.account.view', 'seller', seller, at(d, 2), { ticket: t }),
            s.event(id, 'seller.metrics.view', 'seller', seller, at(d, 3), { ticket: t }),
          ];
          if (d > -2) later.push(...ids);
        }
      const f = detect(s);
      expect(f.alerts).toEqual([]);
      // What was held while the desk's norm was unknown is dropped once it proves common.
      expect(later.length).toBeGreaterThan(0);
      expect(f.risk.flatMap((r) => r.reasons.map((x) => x.indicator))).not.toContain(
        'self-serving-ticket',
      );
    });

    it('still holds exports and look-ups of reviewers under own seller tickets against such a desk, not a look-up under a ticket naming the review', () => {
      const s = new Stream();
      const desk = ['c-1', 'c-2', 'c-3', 'c-4'];
      for (const id of desk) s.employee(id, { team: 'phone-desk-2', role: 'intake-agent' });
      s.seller('s-1').seller('s-2');
      s.review('r-1', 's-1', 'u-1', 1).review('r-2', 's-2', 'u-2', 1);
      let n = 0;
      for (let d = -3; d <= 0; d++)
        for (const id of desk) {
          const t = `t-${++n}`;
          s.ticket(t, 's-1', id, { openedBy: id, openedAt: at(d, 1) });
          s.event(id, 'seller.account.view', 'seller', 's-1', at(d, 2), { ticket: t });
          s.event(id, 'seller.metrics.view', 'seller', 's-1', at(d, 3), { ticket: t });
        }
      // c-2 logs a caller's dispute of r-1 and looks its author up: the desk's job.
      s.ticket('t-dispute', 's-1', 'c-2', { openedBy: 'c-2', openedAt: at(1, 1), reviewId: 'r-1' });
      s.event('c-2', 'reviewer.contact.view', 'reviewer', 'u-1', at(1, 2), { ticket: 't-dispute' });
      s.event('c-2', 'reviewer.contact.view', 'reviewer', 'u-1', at(1, 5), { ticket: 't-dispute' });
      // c-1 opens account tickets of its own and uses them to export metrics and reach reviewers.
      s.ticket('t-a', 's-1', 'c-1', { openedBy: 'c-1', openedAt: at(1, 1) });
      s.ticket('t-b', 's-2', 'c-1', { openedBy: 'c-1', openedAt: at(1, 1) });
      s.event('c-1', 'seller.metrics.export', 'seller', 's-1', at(1, 2), { ticket: 't-a' });
      s.event('c-1', 'reviewer.contact.view', 'reviewer', 'u-1', at(1, 3), { ticket: 't-a' });
      s.event('c-1', 'reviewer.contact.view', 'reviewer', 'u-2', at(1, 4), { ticket: 't-b' });
      const f = detect(s);
      // medium: a desk of three has too few others to be far beyond; the look-ups corroborate it
      expect(alertsOf(f, 'c-1', 'self-serving-ticket').map((a) => a.severity)).toContain('medium');
      expect(alertsOf(f, 'c-2')).toEqual([]);
      expect(alertsOf(f, 'c-3')).toEqual([]);
    });

    it('does not hold a report’s closed ticket against their manager (quality review), but does a peer’s', () => {
      const s = new Stream();
      s.employee('lead', { role: 'team-lead' }).employee('peer', { role: 'team-lead' });
      s.employee('e-1', { manager: 'lead' });
      s.seller('s-1').history(['lead', 'peer', 'e-1']);
      s.ticket('t-1', 's-1', 'e-1', { closedAt: at(-1) });
      s.event('lead', 'seller.account.view', 'seller', 's-1', at(5), { ticket: 't-1' });
      s.event('peer', 'seller.account.view', 'seller', 's-1', at(5), { ticket: 't-1' });
      const f = detect(s);
      expect(f.risk.map((r) => r.employeeId)).toEqual(['peer']);
      expect(f.risk[0]?.reasons.map((r) => r.indicator)).toEqual(['purpose-mismatch']);
    });

    it('accepts a closed ticket within three days, and flags it (weakly) later', () => {
      const s = team();
      s.ticket('t-1', 's-1', 'e-1', { closedAt: at(0) });
      s.event('e-1', 'seller.account.view', 'seller', 's-1', at(2), { ticket: 't-1' });
      expect(detect(s).risk).toEqual([]);
      s.event('e-1', 'seller.account.view', 'seller', 's-1', at(5), { ticket: 't-1' });
      const f = detect(s);
      expect(f.risk[0]?.reasons.map((r) => r.indicator)).toContain('purpose-mismatch');
      expect(f.alerts).toEqual([]);
    });
  });

  describe('when reviewer contacts are looked up', () => {
    it('flags look-ups of one seller’s negative reviewers without a ticket, not those under a fitting ticket', () => {
      const s = team();
      for (let i = 1; i <= 4; i++) s.review(`r-${i}`, 's-1', `u-${i}`, 1);
      s.ticket('t-recall', 's-1', 'e-2', { openedBy: 'system' });
      for (let i = 1; i <= 4; i++) {
        s.event('e-1', 'reviewer.contact.view', 'reviewer', `u-${i}`, at(0, 1, i));
        s.event('e-2', 'reviewer.contact.view', 'reviewer', `u-${i}`, at(0, 2, i), {
          ticket: 't-recall',
        });
      }
      const f = detect(s);
      expect(alertsOf(f, 'e-1', 'reviewer-harvest')[0]?.sellerIds).toEqual(['s-1']);
      expect(alertsOf(f, 'e-2')).toEqual([]);
      expect(riskOf(f, 'e-2')).toBe(0);
    });
  });

  describe('when one seller’s detractors are looked up day after day under real tickets', () => {
    it('raises reviewer-harvest on the third distinct day within 14, not for look-ups of one sitting', () => {
      const s = team();
      for (let i = 1; i <= 6; i++) s.review(`r-${i}`, 's-1', `u-${i}`, 1);
      for (let i = 1; i <= 6; i++) s.review(`q-${i}`, 's-2', `w-${i}`, 2);
      for (let i = 1; i <= 6; i++) {
        s.ticket(`d-${i}`, 's-1', 'e-1', { reviewId: `r-${i}` });
        s.ticket(`k-${i}`, 's-2', 'e-2', { reviewId: `q-${i}` });
      }
      // e-2: six look-ups in one sitting (a recall, an audit); e-1: one a day.
      for (let i = 1; i <= 6; i++)
        s.event('e-2', 'reviewer.contact.view', 'reviewer', `w-${i}`, at(1, 2, i), {
          ticket: `k-${i}`,
        });
      const day3 = [1, 2, 3].map((d) =>
        s.event('e-1', 'reviewer.contact.view', 'reviewer', `u-${d}`, at(d, 3), {
          ticket: `d-${d}`,
        }),
      );
      const f = detect(s);
      expect(alertsOf(f, 'e-2')).toEqual([]);
      const [alert] = alertsOf(f, 'e-1', 'reviewer-harvest');
      expect(alert?.severity).toBe('medium');
      expect(alert?.sellerIds).toEqual(['s-1']);
      expect(alert?.events).toEqual(day3);
      expect(alert?.eventTime).toBe(at(3, 3));
    });
  });

  describe('when one seller’s detractors are looked up week after week under real tickets', () => {
    it('raises reviewer-harvest on the third distinct day within 28, though never three within 14', () => {
      const s = team();
      for (let i = 1; i <= 3; i++) {
        s.review(`r-${i}`, 's-1', `u-${i}`, 1);
        s.ticket(`d-${i}`, 's-1', 'e-1', { reviewId: `r-${i}` });
      }
      const days = [1, 9, 17];
      const ids = days.map((d, i) =>
        s.event('e-1', 'reviewer.contact.view', 'reviewer', `u-${i + 1}`, at(d, 3), {
          ticket: `d-${i + 1}`,
        }),
      );
      const [alert, ...more] = alertsOf(detect(s), 'e-1', 'reviewer-harvest');
      expect(more).toEqual([]);
      expect(alert?.severity).toBe('medium');
      expect(alert?.events).toEqual(ids);
      expect(alert?.eventTime).toBe(at(17, 3));
    });
  });

  describe('when reviews are removed', () => {
    it('flags unreported removals of negative reviews, not reported ones or positive ones', () => {
      const s = moderators(team(), ['m-1', 'm-2', 'm-3', 'm-4', 'm-5']);
      for (let i = 1; i <= 3; i++)
        s.review(`neg-${i}`, 's-1', `u-${i}`, 2)
          .review(`pos-${i}`, 's-2', `v-${i}`, 5)
          .review(`rep-${i}`, 's-3', `w-${i}`, 1);
      for (let i = 1; i <= 3; i++) s.report(`rep-${i}`, at(0));
      for (let i = 1; i <= 3; i++) {
        s.event('m-1', 'review.delete', 'review', `neg-${i}`, at(0, i), {
          attrs: { reason: 'other' },
        });
        s.event('m-2', 'review.delete', 'review', `pos-${i}`, at(0, i), {
          attrs: { reason: 'spam' },
        });
        s.event('m-2', 'review.delete', 'review', `rep-${i}`, at(0, i, 30), {
          attrs: { reason: 'abuse' },
        });
      }
      const f = detect(s);
      expect(alertsOf(f, 'm-1', 'deletion-for-hire').map((a) => a.severity)).toEqual([
        'medium',
        'high',
      ]);
      expect(alertsOf(f, 'm-2')).toEqual([]);
      expect(riskOf(f, 'm-2')).toBe(0);
    });

    it('flags one seller’s unreported negatives removed on two days even under tickets naming each review', () => {
      const s = moderators(team(), ['m-1', 'm-2', 'm-3', 'm-4']);
      for (let i = 1; i <= 4; i++) {
        s.review(`neg-${i}`, 's-1', `u-${i}`, 1);
        s.ticket(`k-${i}`, 's-1', 'm-1', { openedBy: 'seller', reviewId: `neg-${i}` });
      }
      const day1 = s.event('m-1', 'review.delete', 'review', 'neg-1', at(1, 1), { ticket: 'k-1' });
      s.event('m-1', 'review.delete', 'review', 'neg-2', at(1, 2), { ticket: 'k-2' });
      expect(alertsOf(detect(s), 'm-1')).toEqual([]);
      const day2 = s.event('m-1', 'review.delete', 'review', 'neg-3', at(2, 1), { ticket: 'k-3' });
      const [alert] = alertsOf(detect(s), 'm-1', 'deletion-for-hire');
      expect(alert?.severity).toBe('medium');
      expect(alert?.events).toContain(day1);
      expect(alert?.events).toContain(day2);
    });

    it('raises a first such removal in a group where no peer ever made one, not once a peer has', () => {
      const s = new Stream();
      const mods = ['m-1', 'm-2', 'm-3', 'm-4'];
      for (const id of mods) s.employee(id, { team: 'review-moderation', role: 'moderator' });
      s.seller('s-1').history(mods);
      s.review('neg-1', 's-1', 'u-1', 1).review('neg-2', 's-1', 'u-2', 1);
      const first = s.event('m-1', 'review.delete', 'review', 'neg-1', at(0, 1));
      s.event('m-2', 'review.delete', 'review', 'neg-2', at(1, 1));
      const f = detect(s);
      expect(alertsOf(f, 'm-1', 'deletion-for-hire').map((a) => [a.severity, a.events])).toEqual([
        ['medium', [first]],
      ]);
      // m-1's removal is now part of the group's history: one by m-2 is no longer unseen.
      expect(alertsOf(f, 'm-2', 'deletion-for-hire')).toEqual([]);
    });

    it('does not take a ticket about the seller (an audit) as a reason to remove its negatives', () => {
      const s = moderators(team(), ['m-1', 'm-2', 'm-3', 'm-4']);
      for (let i = 1; i <= 2; i++) s.review(`neg-${i}`, 's-1', `u-${i}`, 1);
      s.review('pos-1', 's-1', 'v-1', 5);
      s.ticket('audit', 's-1', 'm-1', { openedBy: 'system' });
      s.event('m-1', 'review.delete', 'review', 'pos-1', at(1, 1), { ticket: 'audit' });
      const ids = [1, 2].map((i) =>
        s.event('m-1', 'review.delete', 'review', `neg-${i}`, at(1, 1 + i), { ticket: 'audit' }),
      );
      const [alert, ...more] = alertsOf(detect(s), 'm-1', 'deletion-for-hire');
      expect(more).toEqual([]);
      expect(alert?.severity).toBe('medium');
      // the first: no peer of m-1's learned group ever removed an unreported negative
      expect(alert?.events).toEqual([ids[0]]);
    });

    it('ties one who comes back for a seller’s critics on a second day, under dispute tickets, to a ring serving that seller', () => {
      const s = disputedCritics(4);
      s.event('e-1', 'reviewer.contact.view', 'reviewer', 'u-1', at(1, 1), { ticket: 'd-1' });
      s.event('m-1', 'review.delete', 'review', 'neg-4', at(2, 1));
      expect(detect(s).alerts.filter((a) => a.detector === 'seller-ring')).toEqual([]);
      s.event('e-1', 'reviewer.contact.view', 'reviewer', 'u-2', at(5, 1), { ticket: 'd-2' });
      const ring = detect(s).alerts.filter((a) => a.detector === 'seller-ring');
      expect(ring.map((a) => a.employeeId).sort()).toEqual(['e-1', 'm-1']);
    });

    it('takes such a harvester into the collusion graph: a ring with the seller’s moderator is named whole', () => {
      // world B's rings: the harvester works under the client's dispute tickets (no other edge
      // to the client), the moderator removes its negatives; before, the graph held the
      // moderator alone and no `collusion-ring` alert named the two
      const s = disputedCritics(6);
      s.event('m-1', 'review.delete', 'review', 'neg-6', at(1, 3));
      for (let d = 1; d <= 4; d++)
        s.event('e-1', 'reviewer.contact.view', 'reviewer', `u-${d}`, at(d, 1), {
          ticket: `d-${d}`,
        });
      const rings = detect(s).alerts.filter((a) => a.detector === 'collusion-ring');
      expect(rings.map((a) => a.employeeId).sort()).toEqual(['e-1', 'm-1']);
      for (const a of rings) {
        expect([...(a.employeeIds ?? [])].sort()).toEqual(['e-1', 'm-1']);
        expect(a.sellerIds).toContain('s-1');
      }
    });

    it('does not tie a recall agent, who contacts the seller’s other reviewers too, to that seller', () => {
      const s = team();
      s.employee('m-1', { team: 'review-moderation', role: 'moderator' }).history(['m-1']);
      for (let i = 1; i <= 4; i++) s.review(`neg-${i}`, 's-1', `u-${i}`, 1);
      s.review('pos-1', 's-1', 'v-1', 5);
      s.ticket('recall', 's-1', 'e-1');
      s.event('m-1', 'review.delete', 'review', 'neg-4', at(0, 1));
      s.event('e-1', 'reviewer.contact.view', 'reviewer', 'v-1', at(1, 1), { ticket: 'recall' });
      s.event('e-1', 'reviewer.contact.view', 'reviewer', 'u-1', at(1, 2), { ticket: 'recall' });
      s.event('e-1', 'reviewer.contact.view', 'reviewer', 'u-2', at(2, 1), { ticket: 'recall' });
      expect(detect(s).alerts.filter((a) => a.detector === 'seller-ring')).toEqual([]);
    });

    it('names every employee giving one seller such benefits in one ring alert each', () => {
      const s = team();
      s.employee('m-1', { team: 'review-moderation', role: 'moderator' }).history(['m-1']);
      for (let i = 1; i <= 3; i++) s.review(`neg-${i}`, 's-1', `u-${i}`, 1);
      s.event('m-1', 'review.delete', 'review', 'neg-1', at(0, 1));
      s.event('e-1', 'reviewer.contact.view', 'reviewer', 'u-2', at(0, 2));
      const f = detect(s);
      const ring = f.alerts.filter((a) => a.detector === 'seller-ring');
      expect(ring.map((a) => a.employeeId).sort()).toEqual(['e-1', 'm-1']);
      expect(ring.every((a) => a.summary.includes('e-1, m-1'))).toBe(true);
    });
  });

  describe('when personal fields are exported', () => {
    it('is high (or critical) before the exporter leaves, medium otherwise, nothing under their own case or for plain fields', () => {
      const s = team();
      s.employee('e-5', { leftAt: at(10) }).employee('l-1', { team: 'dub-9', role: 'counsel' });
      s.history(['e-5', 'l-1']);
      s.ticket('case-1', 's-1', 'l-1', { openedBy: 'intake' });
      const personal = { rows: 60_000, fields: ['sellerId', 'reviewer.email'] };
      s.event('e-5', 'data.export', 'dataset', 'customers', at(1), { attrs: personal });
      s.event('e-1', 'data.export', 'dataset', 'customers', at(1), { attrs: personal });
      s.event('e-2', 'data.export', 'dataset', 'sales', at(1), {
        attrs: { rows: 9e6, fields: ['revenue', 'units'] },
      });
      s.event('l-1', 'data.export', 'dataset', 'customers', at(1), {
        attrs: personal,
        ticket: 'case-1',
      });
      const f = detect(s);
      expect(alertsOf(f, 'e-5').map((a) => [a.detector, a.severity])).toEqual([
        ['departing-exfiltration', 'critical'],
      ]);
      expect(alertsOf(f, 'e-1').map((a) => [a.detector, a.severity])).toEqual([
        ['personal-data-export', 'medium'],
      ]);
      expect(alertsOf(f, 'e-2')).toEqual([]);
      expect(alertsOf(f, 'l-1')).toEqual([]);
    });
  });

  describe('when a small private network is shared', () => {
    it('gives each of its users a shared-network reason citing their own first event on it', () => {
      const s = team();
      const a = s.event('e-1', 'login', 'dataset', 'console', at(0), { ip: '203.0.113.7' });
      const b = s.event('e-2', 'login', 'dataset', 'console', at(1), { ip: '203.0.113.7' });
      const f = detect(s);
      expect(
        f.risk
          .find((r) => r.employeeId === 'e-1')
          ?.reasons.find((r) => r.indicator === 'shared-network')?.events,
      ).toEqual([a]);
      expect(
        f.risk
          .find((r) => r.employeeId === 'e-2')
          ?.reasons.find((r) => r.indicator === 'shared-network')?.events,
      ).toEqual([b]);
    });
  });

  describe('when an employee’s day is far above their own and their peers’ usual volume', () => {
    it('adds a weak volume-spike reason (no alert) once the day is over, but not for a newcomer', () => {
      const s = new Stream();
      const staff = Array.from({ length: 12 }, (_, i) => `e-${i}`);
      for (const id of [...staff, 'e-new']) s.employee(id);
      s.seller('s-1');
      s.ticket('t-1', 's-1', 'e-0').ticket('t-new', 's-1', 'e-new');
      for (let day = 0; day < 21; day++)
        for (const id of staff) {
          const burst = id === 'e-0' && day === 20 ? 40 : 3;
          for (let i = 0; i < burst; i++)
            s.event(id, 'seller.account.view', 'seller', 's-1', at(day, 1, i), {
              ticket: id === 'e-0' ? 't-1' : undefined,
            });
        }
      for (let i = 0; i < 40; i++)
        s.event('e-new', 'seller.account.view', 'seller', 's-1', at(20, 1, i), { ticket: 't-new' });
      // The next day's first events close day 20.
      s.event('e-0', 'login', 'dataset', 'console', at(21));
      s.event('e-new', 'login', 'dataset', 'console', at(21));
      const f = detect(s);
      const spike = f.risk
        .find((r) => r.employeeId === 'e-0')
        ?.reasons.find((r) => r.indicator === 'volume-spike');
      expect(spike?.events).toHaveLength(1);
      expect(f.risk.find((r) => r.employeeId === 'e-new')).toBeUndefined();
      expect(f.alerts).toEqual([]);
    });
  });

  describe('when someone who never works weekends does sensitive work on a Saturday', () => {
    it('adds an off-hours reason once their week is known (14 worked days), not before', () => {
      const s = team();
      s.assign('e-1', 's-1');
      const weekdays = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18]; // Monday 7 September on
      for (const d of weekdays)
        for (let i = 0; i < 4; i++)
          s.event('e-1', 'seller.metrics.view', 'seller', 's-1', at(d, 1, i));
      const early = team();
      early.assign('e-1', 's-1');
      for (const d of weekdays.slice(0, 5))
        for (let i = 0; i < 12; i++)
          early.event('e-1', 'seller.metrics.view', 'seller', 's-1', at(d, 1, i));
      const saturday = s.event('e-1', 'seller.metrics.view', 'seller', 's-1', at(19, 1));
      early.event('e-1', 'seller.metrics.view', 'seller', 's-1', at(5, 1));
      const reason = detect(s).risk[0]?.reasons.find((r) => r.indicator === 'off-hours');
      expect(reason?.events).toEqual([saturday]);
      expect(detect(early).risk).toEqual([]);
    });
  });

  describe('when a feed hands each actor’s slot with their events', () => {
    /** `engine.consume`, but each event with its actor’s slot, one slot per actor id. */
    function consumeWithSlots(engine: DetectionEngine, s: Stream): void {
      const slots = new Map<string, ActorSlot>();
      for (const r of s.records) {
        if (r.kind !== 'event') engine.consumeRecord(r);
        else {
          let slot = slots.get(r.body.actor);
          if (slot === undefined) slots.set(r.body.actor, (slot = new ActorSlot()));
          engine.consumeEvent(r.body, undefined, slot);
        }
      }
    }

    it('finds what looking each actor up finds, after their record changes and after an unknown actor is hired', () => {
      const s = team();
      const personal = { rows: 60_000, fields: ['sellerId', 'reviewer.email'] };
      s.event('e-1', 'data.export', 'dataset', 'customers', at(1), { attrs: personal });
      s.event('x-9', 'seller.metrics.view', 'seller', 's-1', at(1, 2));
      // e-1 is now leaving, x-9 joins the directory: each one's next events read the new record
      s.employee('e-1', { leftAt: at(12) }).employee('x-9', { team: 'ops', role: 'analyst' });
      s.event('e-1', 'data.export', 'dataset', 'customers', at(2), { attrs: personal });
      for (let i = 1; i <= 8; i++)
        s.event('x-9', 'seller.metrics.view', 'seller', `s-${i}`, at(2, 3, i), {
          ip: '198.51.100.4',
        });
      const plain = new DetectionEngine();
      plain.consume(s.records);
      const slotted = new DetectionEngine();
      consumeWithSlots(slotted, s);
      const f = slotted.findings();
      expect(f).toEqual(plain.findings());
      // the new record was read: the second export is a departing one
      expect(alertsOf(f, 'e-1').map((a) => a.detector)).toContain('departing-exfiltration');
    });

    it('holds a slot to the engine it was filled by', () => {
      const s = team();
      for (let i = 1; i <= 8; i++)
        s.event('e-2', 'seller.metrics.view', 'seller', `s-${i}`, at(0, 1, i));
      const slot = new ActorSlot();
      const engines = [new DetectionEngine(), new DetectionEngine()];
      for (const r of s.records)
        for (const engine of engines)
          if (r.kind === 'event') engine.consumeEvent(r.body, undefined, slot);
          else engine.consumeRecord(r);
      expect(engines[1]!.findings()).toEqual(detect(s));
      expect(engines[0]!.findings()).toEqual(detect(s));
    });
  });

  describe('when risk accumulates', () => {
    it('saturates below 100, and one indicator alone is capped', () => {
      const s = team();
      s.employee('e-5', { leftAt: at(25) });
      for (let d = 0; d < 20; d++)
        s.event('e-5', 'data.export', 'dataset', 'customers', at(d), {
          attrs: { rows: 10, fields: ['reviewer.email'] },
        });
      const f = detect(s);
      const score = riskOf(f, 'e-5');
      expect(score).toBeLessThan(100);
      // 20 departing exports weigh 300, capped at 40, plus the critical alert’s 14 or 20 points.
      expect(score).toBeLessThan(Math.round(100 * (1 - Math.exp(-(40 + 20) / 30))) + 1);
    });

    it('ignores refused (denied) events: they did not happen', () => {
      const s = team();
      for (let i = 1; i <= 8; i++)
        s.event('e-1', 'seller.metrics.view', 'seller', `s-${i}`, at(0, 1, i));
      const denied = new DetectionEngine();
      denied.consume(
        s.records.map((r) =>
          r.kind === 'event'
            ? { kind: 'event', body: { ...r.body, outcome: 'denied' as const } }
            : r,
        ),
      );
      expect(denied.findings()).toEqual({ risk: [], alerts: [] });
    });
  });
});
