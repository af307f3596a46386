import { describe, expect, it } from 'vitest';
import type { InterchangeRecord } from '../domain/index.js';
import { DetectionEngine } from './engine.js';
import { canaryKey, declareCanaries } from './canaries.js';
import { restoreEngine, snapshotDirectory, snapshotEngine } from './snapshot.js';
import { Stream, at } from './test-support.js';

/** Every action the guard records, with the target type it acts on. */
const GUARDED: readonly [string, string][] = [
  ['seller.metrics.view', 'seller'],
  ['seller.account.view', 'seller'],
  ['seller.metrics.export', 'seller'],
  ['x-ticket.open', 'seller'],
  ['reviewer.contact.view', 'reviewer'],
  ['x-reviewer.contact.reveal', 'reviewer'],
  ['review.view', 'review'],
  ['review.delete', 'review'],
  ['review.restore', 'review'],
];
const CANARY = { seller: 's-417', reviewer: 'rv-88', review: 'r-902' } as Record<string, string>;
const KEYS = Object.entries(CANARY).map(([type, id]) => canaryKey(type, id));

function office(): Stream {
  const s = new Stream();
  for (const id of ['e-1', 'e-2', 'e-3']) s.employee(id);
  s.seller('s-1').seller('s-417');
  return s.history(['e-1', 'e-2', 'e-3']);
}

/** Sets an event's outcome (the guard records denied and pending requests as events too). */
function withOutcome(s: Stream, id: string, outcome: 'denied' | 'pending'): void {
  const r = s.records.find((x) => x.kind === 'event' && x.body.id === id) as Extract<
    InterchangeRecord,
    { kind: 'event' }
  >;
  Object.assign(r, { body: { ...r.body, outcome } });
}

describe('touched canaries', () => {
  for (const [action, type] of GUARDED) {
    for (const outcome of ['allowed', 'denied', 'pending'] as const) {
      it(`raises a critical canary-touched alert naming the employee for ${action} (${outcome})`, () => {
        const s = office();
        s.event('e-1', 'seller.metrics.view', 'seller', 's-1', at(1));
        const touch = s.event('e-2', action, type, CANARY[type]!, at(1, 2));
        if (outcome !== 'allowed') withOutcome(s, touch, outcome);
        const engine = new DetectionEngine(undefined, { canaries: KEYS });
        engine.consume(s.records);
        const alerts = engine.findings().alerts.filter((a) => a.detector === 'canary-touched');
        expect(alerts).toEqual([
          expect.objectContaining({ employeeId: 'e-2', severity: 'critical', events: [touch] }),
        ]);
        expect(alerts[0]!.summary).toContain(`${type} ${CANARY[type]!}`);
        const risk = engine.findings().risk.find((r) => r.employeeId === 'e-2')!;
        expect(risk.reasons.find((r) => r.indicator === 'canary-touched')!.events).toEqual([touch]);
      });
    }
  }

  it('raises nothing for ordinary records, nor when no canary is declared', () => {
    const s = office();
    s.event('e-1', 'seller.metrics.view', 'seller', 's-1', at(1));
    s.event('e-2', 'seller.metrics.view', 'seller', 's-417', at(1));
    const watching = new DetectionEngine(undefined, { canaries: [canaryKey('seller', 's-9')] });
    watching.consume(s.records);
    const blind = new DetectionEngine();
    blind.consume(s.records);
    for (const engine of [watching, blind])
      expect(engine.findings().alerts.filter((a) => a.detector === 'canary-touched')).toEqual([]);
  });

  it('matches a target whose type or id holds a colon as its `type:id` key does', () => {
    const s = office();
    const inId = s.event('e-1', 'seller.metrics.view', 'seller', 's:417', at(1));
    const inType = s.event('e-2', 'x-ticket.open', 'seller:s', '9', at(1, 2));
    s.event('e-3', 'seller.metrics.view', 'seller', 's', at(1, 3));
    const engine = new DetectionEngine(undefined, {
      canaries: [canaryKey('seller', 's:417'), canaryKey('seller:s', '9'), 'seller:s:9:x'],
    });
    engine.consume(s.records);
    const touched = engine.findings().alerts.filter((a) => a.detector === 'canary-touched');
    expect(touched.map((a) => a.events)).toEqual([[inId], [inType]]);
  });

  it('stops watching once told an empty set', () => {
    const s = office();
    s.event('e-2', 'seller.metrics.view', 'seller', 's-417', at(1));
    const engine = new DetectionEngine(undefined, { canaries: KEYS });
    declareCanaries(engine, []);
    engine.consume(s.records);
    expect(engine.findings().alerts.filter((a) => a.detector === 'canary-touched')).toEqual([]);
  });

  it('keeps the canary set out of the saved state, and a restored engine watches once told again', () => {
    const s = office();
    const engine = new DetectionEngine(undefined, { canaries: KEYS });
    engine.consume(s.records);
    const bytes = snapshotEngine(engine);
    const directory = snapshotDirectory(engine);
    // the saved state must not tell a database reader which records are canaries
    for (const id of ['rv-88', 'r-902']) {
      expect(bytes.includes(Buffer.from(id))).toBe(false);
      expect(directory.includes(Buffer.from(id))).toBe(false);
    }
    const later = new Stream();
    const touch = later.event('e-3', 'review.view', 'review', 'r-902', at(2));
    const forgetful = restoreEngine(bytes, directory);
    forgetful.consume(later.records);
    expect(forgetful.findings().alerts.filter((a) => a.detector === 'canary-touched')).toEqual([]);
    const told = restoreEngine(bytes, directory);
    declareCanaries(told, KEYS);
    told.consume(later.records);
    expect(told.findings().alerts.filter((a) => a.detector === 'canary-touched')).toEqual([
      expect.objectContaining({ employeeId: 'e-3', events: [touch] }),
    ]);
  });
});
