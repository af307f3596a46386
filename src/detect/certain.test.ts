import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '../domain/index.js';
import { DetectionEngine } from './engine.js';
import { CERTAIN_RULES, certainFacts, type CertainRule } from './certain.js';
import { Stream, at } from './test-support.js';

function detect(s: Stream) {
  const engine = new DetectionEngine();
  engine.consume(s.records);
  return engine.findings();
}

/** Four agents with history; e-5 leaves at day 10. */
function office(): Stream {
  const s = new Stream();
  for (const id of ['e-1', 'e-2', 'e-3', 'e-4']) s.employee(id);
  s.employee('e-5', { leftAt: at(10) });
  for (let i = 1; i <= 4; i++) s.seller(`s-${i}`, 'toys');
  return s.history(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
}

describe('unambiguous facts', () => {
  it('raises a critical acted-after-leaving alert for a leaver acting after leftAt, citing the event', () => {
    const s = office();
    const before = s.event('e-5', 'seller.account.view', 'seller', 's-1', at(9));
    const after = s.event('e-5', 'seller.account.view', 'seller', 's-2', at(11));
    s.event('e-5', 'login', 'system', 'console', at(12));
    const f = detect(s);
    const alerts = f.alerts.filter((a) => a.detector === 'acted-after-leaving');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      employeeId: 'e-5',
      severity: 'critical',
      eventTime: at(11),
      events: [after],
      sellerIds: ['s-2'],
    });
    expect(alerts[0]!.summary).toContain('after leaving');
    const risk = f.risk.find((r) => r.employeeId === 'e-5')!;
    const reason = risk.reasons.find((r) => r.indicator === 'acted-after-leaving')!;
    expect(reason.events).toContain(after);
    expect(reason.events).not.toContain(before);
    expect(f.risk[0]!.employeeId).toBe('e-5');
  });

  it('raises nothing for acts before leftAt, for stayers, or for a refused act after leaving', () => {
    const s = office();
    s.event('e-5', 'seller.account.view', 'seller', 's-1', at(9, 23));
    s.event('e-1', 'seller.account.view', 'seller', 's-1', at(11));
    s.records.push({
      kind: 'event',
      body: {
        id: 'ev-refused',
        time: at(11),
        actor: 'e-5',
        action: 'seller.account.view',
        target: { type: 'seller', id: 's-3' },
        context: { ip: '10.9.e-5', device: 'd-e-5' },
        outcome: 'denied',
      },
    });
    const f = detect(s);
    expect(f.alerts.filter((a) => a.detector === 'acted-after-leaving')).toEqual([]);
    expect(f.risk.flatMap((r) => r.reasons).map((r) => r.indicator)).not.toContain(
      'acted-after-leaving',
    );
  });

  it('takes new facts as rules (the hook a touched canary plugs into)', () => {
    const canary: CertainRule = {
      detector: 'canary-touched',
      indicator: 'acted-after-leaving',
      test: (e) => (e.target.id === 's-canary' ? `${e.actor} touched ${e.target.id}` : undefined),
    };
    const e = {
      id: 'ev-1',
      time: at(1),
      actor: 'e-1',
      action: 'seller.account.view',
      target: { type: 'seller', id: 's-canary' },
      context: { ip: '10.0.0.1', device: 'd' },
    } as AccessEvent;
    expect(certainFacts(e, Date.parse(at(1)), undefined, [...CERTAIN_RULES, canary])).toEqual([
      {
        detector: 'canary-touched',
        indicator: 'acted-after-leaving',
        summary: 'e-1 touched s-canary',
      },
    ]);
    expect(certainFacts(e, Date.parse(at(1)), undefined)).toEqual([]);
  });
});
