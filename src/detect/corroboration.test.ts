import { describe, expect, it } from 'vitest';
import type { Findings } from '../domain/index.js';
import { familyOf } from './corroboration.js';
import { DetectionEngine } from './engine.js';
import { Stream, at } from './test-support.js';

function detect(s: Stream): Findings {
  const engine = new DetectionEngine();
  engine.consume(s.records);
  return engine.findings();
}

const alertsOf = (f: Findings, id: string, detector: string) =>
  f.alerts.filter((a) => a.employeeId === id && a.detector === detector);

/** Eight support agents with history, sellers s-1…s-12 in one category each. */
function desk(): Stream {
  const s = new Stream();
  const ids = Array.from({ length: 8 }, (_, i) => `e-${i + 1}`);
  for (const id of ids) s.employee(id);
  for (let i = 1; i <= 12; i++) s.seller(`s-${i}`, `c-${i}`);
  return s.history(ids);
}

/** `who` views the metrics of sellers s-`from`… without purpose, one an hour on `day`. */
function views(s: Stream, who: string, day: number, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    s.event(who, 'seller.metrics.view', 'seller', `s-${from + i}`, at(day, 1 + i)),
  );
}

describe('Corroboration', () => {
  it('raises a window far beyond every peer on its own', () => {
    const s = desk();
    views(s, 'e-1', 1, 1, 6);
    const [alert, ...more] = alertsOf(detect(s), 'e-1', 'metrics-without-purpose');
    expect(more).toEqual([]);
    expect(alert?.severity).toBe('medium');
    expect(alert?.summary).toContain('far beyond every peer');
  });

  it('holds a window a peer has reached at low, and raises it when evidence of another kind follows', () => {
    const s = desk();
    views(s, 'e-2', 1, 1, 6); // a peer did as much: the window alone is not rare for the group
    const mine = views(s, 'e-1', 3, 5, 6);
    const held = alertsOf(detect(s), 'e-1', 'metrics-without-purpose');
    expect(held.map((a) => a.severity)).toEqual(['low']);
    expect(held[0]?.summary).toContain('not corroborated yet');
    // a personal-data export (another family: exports) two days later corroborates it
    const exported = s.event('e-1', 'data.export', 'dataset', 'reviewers', at(5, 2), {
      attrs: { fields: ['reviewer.email'], rows: 300 },
    });
    const raised = alertsOf(detect(s), 'e-1', 'metrics-without-purpose');
    expect(raised.map((a) => a.severity)).toEqual(['low', 'medium']);
    expect(raised[1]?.events).toEqual([...mine, exported]);
    expect(raised[1]?.eventTime).toBe(at(5, 2));
  });

  it('does not let evidence of the same kind, or of another kind too late, corroborate', () => {
    const s = desk();
    views(s, 'e-2', 1, 1, 6);
    views(s, 'e-1', 3, 5, 6);
    // a ticket of another seller cited: the same family (purpose), however many
    s.ticket('k-9', 's-12', 'e-1');
    s.event('e-1', 'seller.account.view', 'seller', 's-11', at(4, 1), { ticket: 'k-9' });
    // an export with personal fields 20 days later: past the 14 days
    s.event('e-1', 'data.export', 'dataset', 'reviewers', at(23, 2), {
      attrs: { fields: ['reviewer.email'], rows: 300 },
    });
    const f = detect(s);
    expect(alertsOf(f, 'e-1', 'metrics-without-purpose').map((a) => a.severity)).toEqual(['low']);
  });

  it('does not let the employee’s own habit corroborate, however rare it is for the peers', () => {
    const exportOn = (s: Stream, day: number) =>
      s.event('e-1', 'data.export', 'dataset', 'reviewers', at(day, 2), {
        attrs: { fields: ['reviewer.email'], rows: 40 },
      });
    const run = (habit: boolean) => {
      const s = desk();
      // e-1 exported reviewers' e-mails on every worked day for ten days: their usual, not news
      if (habit) for (let d = 1; d <= 10; d++) exportOn(s, d);
      views(s, 'e-2', 20, 1, 6); // a peer reached the same window: not far beyond
      views(s, 'e-1', 21, 5, 6);
      exportOn(s, 22);
      return alertsOf(detect(s), 'e-1', 'metrics-without-purpose').map((a) => a.severity);
    };
    expect(run(false)).toEqual(['low', 'medium']);
    expect(run(true)).toEqual(['low']);
  });
});

describe('Reviewer look-ups that reach every reviewer (a recall)', () => {
  it('does not count a seller’s critics as singled out when most look-ups reach its other reviewers', () => {
    const s = desk();
    for (let i = 1; i <= 3; i++) s.review(`neg-${i}`, 's-1', `u-${i}`, 1);
    for (let i = 1; i <= 12; i++) s.review(`pos-${i}`, 's-1', `v-${i}`, 5);
    s.ticket('recall', 's-1', 'e-1', { openedBy: 'system' });
    for (let d = 1; d <= 3; d++) {
      s.event('e-1', 'reviewer.contact.view', 'reviewer', `u-${d}`, at(d, 1), {
        ticket: 'recall',
      });
      for (let i = 1; i <= 4; i++)
        s.event('e-1', 'reviewer.contact.view', 'reviewer', `v-${(d - 1) * 4 + i}`, at(d, 2, i), {
          ticket: 'recall',
        });
    }
    expect(alertsOf(detect(s), 'e-1', 'reviewer-harvest')).toEqual([]);
  });

  it('still counts them when the look-ups single the critics out', () => {
    const s = desk();
    for (let i = 1; i <= 5; i++) s.review(`neg-${i}`, 's-1', `u-${i}`, 1);
    s.review('pos-1', 's-1', 'v-1', 5);
    s.ticket('dispute', 's-1', 'e-1');
    // one look-up of someone else among five of its critics: still singling them out
    s.event('e-1', 'reviewer.contact.view', 'reviewer', 'v-1', at(1, 2), { ticket: 'dispute' });
    for (const [d, u] of [
      [1, 1],
      [1, 2],
      [2, 3],
      [2, 4],
      [3, 5],
    ] as const)
      s.event('e-1', 'reviewer.contact.view', 'reviewer', `u-${u}`, at(d, 3, u), {
        ticket: 'dispute',
      });
    const [alert] = alertsOf(detect(s), 'e-1', 'reviewer-harvest');
    expect(alert?.severity).toBe('medium');
    expect(alert?.sellerIds).toEqual(['s-1']);
  });

  it('counts a look-up under a fitting ticket for the ticket’s seller only, not the reviewer’s other sellers', () => {
    const s = desk();
    for (let i = 1; i <= 3; i++)
      s.review(`a-${i}`, 's-1', `u-${i}`, 5).review(`b-${i}`, 's-2', `u-${i}`, 1);
    s.ticket('recall', 's-1', 'e-1', { openedBy: 'system' });
    for (let d = 1; d <= 3; d++) {
      s.event('e-1', 'reviewer.contact.view', 'reviewer', `u-${d}`, at(d, 1), {
        ticket: 'recall',
      });
      // without a ticket, the same look-ups are for every seller the reviewer reviewed
      s.event('e-2', 'reviewer.contact.view', 'reviewer', `u-${d}`, at(d, 2));
    }
    const f = detect(s);
    expect(alertsOf(f, 'e-1', 'reviewer-harvest')).toEqual([]);
    expect(alertsOf(f, 'e-2', 'reviewer-harvest').map((a) => a.sellerIds)).toContainEqual(['s-2']);
  });
});

describe('Families of evidence', () => {
  it('takes a volume spike as evidence of its action’s kind, not of another', () => {
    const spike = (action: string) =>
      familyOf({
        indicator: 'volume-spike',
        employeeId: 'e-1',
        eventId: 'ev-1',
        t: 0,
        weight: 1,
        sellerIds: [],
        action,
      });
    expect(spike('seller.metrics.view')).toBe('purpose');
    expect(spike('reviewer.contact.view')).toBe('reviewers');
    expect(spike('login')).toBe('volume');
  });
});
