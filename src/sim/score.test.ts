import { describe, expect, it } from 'vitest';
import type { Alert, Findings, RiskEntry, Severity } from '../domain/index.js';
import type { Labels, Manifest, ScenarioLabel } from './labels.js';
import { citedEventIds, scoreEvaluation } from './score.js';
import { median } from './score-scenarios.js';

// Hand-built ground truth. 200 employees: top 1 % = 2 places, top 2 % = 4; k = 5 insiders,
// so "top max(2 %, k)" = 5 places.
const scenario = (
  id: string,
  kind: ScenarioLabel['kind'],
  employeeIds: string[],
  start: string,
): ScenarioLabel => ({
  id,
  type: id.replace(/-\d+$/, '') as ScenarioLabel['type'],
  kind,
  employeeIds,
  sellerIds: [],
  start,
  end: '2026-03-20T00:00:00Z',
  eventIds: [],
  summary: id,
});

const labels: Labels = {
  format: 'warden-sim-labels/1',
  preset: 'test',
  seed: 1,
  insiders: ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'],
  scenarios: [
    scenario('collusion-ring-1', 'abuse', ['i-1', 'i-2'], '2026-03-02T00:00:00Z'),
    scenario('metrics-broker-1', 'abuse', ['i-3'], '2026-03-05T00:00:00Z'),
    scenario('email-harvest-1', 'abuse', ['i-4'], '2026-03-10T00:00:00Z'),
    scenario('metrics-broker-2', 'abuse', ['i-5'], '2026-03-03T00:00:00Z'),
    scenario('night-shift-1', 'benign', ['b-1'], '2026-03-01T00:00:00Z'),
    scenario('moderation-audit-1', 'benign', ['b-2', 'b-3'], '2026-03-01T00:00:00Z'),
    scenario('new-hire-1', 'benign', ['n-1'], '2026-03-01T00:00:00Z'),
    scenario('quarter-end-exports-1', 'benign', ['a-1'], '2026-03-01T00:00:00Z'),
  ],
};

const manifest = (employees = 200, employeeDays = 6000): Manifest => ({
  format: 'warden-sim/1',
  preset: 'test',
  seed: 1,
  from: '2026-03-01T00:00:00Z',
  to: '2026-03-31T00:00:00Z',
  days: 30,
  employees,
  employeeDays,
  counts: {},
  files: [],
});

const risk = (employeeId: string, score: number, ...events: string[][]): RiskEntry => ({
  employeeId,
  score,
  reasons: events.map((e) => ({ indicator: 'x', detail: 'x', events: e })),
});

const alert = (
  id: string,
  employeeId: string,
  severity: Severity,
  eventTime: string,
  events: string[] = [],
): Alert => ({
  id,
  employeeId,
  detector: 'd',
  severity,
  eventTime,
  sellerIds: [],
  events,
  summary: id,
});

// Ranked: 1 i-1 (90), 2 b-1 (80), 3 a-1 (70), 4 i-5 (70, tie: 'a-1' < 'i-5'), 5 i-3 (50),
// 6 i-2 (40), 7 b-2 (10). c-1 scores 0 and i-4 has no entry: neither is ranked.
const findings: Findings = {
  risk: [
    risk('i-2', 40),
    risk('i-1', 90, ['ev-1', 'ev-2'], ['ev-4']),
    risk('c-1', 0),
    risk('i-3', 50),
    risk('b-1', 80, ['ev-4', 'ev-x']),
    risk('a-1', 70),
    risk('i-5', 70),
    risk('b-2', 10),
  ],
  alerts: [
    alert('al-1', 'i-1', 'high', '2026-03-02T06:00:00Z', ['ev-1']),
    alert('al-2', 'i-2', 'medium', '2026-03-02T03:00:00Z', ['ev-3']), // ring's earliest: +3 h
    alert('al-3', 'i-3', 'medium', '2026-03-04T00:00:00Z'), // a day before its scenario
    alert('al-4', 'i-4', 'low', '2026-03-11T00:00:00Z'), // low: not serious
    alert('al-5', 'i-5', 'critical', '2026-03-04T12:00:00+02:00'), // 03-04T10:00Z: +34 h
    alert('al-6', 'b-3', 'medium', '2026-03-06T00:00:00Z', ['ev-4']), // false, cites b-1's event
    alert('al-7', 'c-1', 'high', '2026-03-07T00:00:00Z', ['ev-5', 'ev-x']), // false, a-1's event
    alert('al-8', 'c-1', 'low', '2026-03-07T00:00:00Z'), // low: not a false alert
  ],
};

const eventActors = new Map([
  ['ev-1', 'i-1'],
  ['ev-2', 'i-1'],
  ['ev-3', 'i-2'],
  ['ev-4', 'b-1'],
  ['ev-5', 'a-1'],
]);

const noFindings: Findings = { risk: [], alerts: [] };

describe('scoreEvaluation', () => {
  describe('when the findings rank and alert on a mix of insiders and others', () => {
    const report = scoreEvaluation({ labels, manifest: manifest(), findings, eventActors });

    it('counts the population from the manifest and the labels', () => {
      expect([report.employees, report.insiders, report.employeeDays]).toEqual([200, 5, 6000]);
      expect(report.cutoffs).toEqual({ top1: 2, top2: 4, topK2: 5 });
    });

    it('measures recall within the top 1 %, 2 % and max(2 %, k), and precision at k', () => {
      expect(report.recallTop1).toBe(1 / 5); // i-1
      expect(report.recallTop2).toBe(2 / 5); // i-1, i-5
      expect(report.recallTopK2).toBe(3 / 5); // i-1, i-5, i-3
      expect(report.precisionAtK).toBe(3 / 5); // top 5 holds i-1, i-5, i-3
    });

    it('averages precision over the ranks holding insiders, dividing by k', () => {
      // Insiders at ranks 1, 4, 5, 6 (i-4 never ranked): (1/1 + 2/4 + 3/5 + 4/6) / 5 = 83/150.
      expect(report.averagePrecision).toBeCloseTo(83 / 150, 12);
    });

    it('lists the top ranked, ties by employee id, with what the labels say', () => {
      expect(report.top).toEqual([
        { rank: 1, employeeId: 'i-1', score: 90, insider: true, scenarios: ['collusion-ring-1'] },
        { rank: 2, employeeId: 'b-1', score: 80, insider: false, scenarios: ['night-shift-1'] },
        {
          rank: 3,
          employeeId: 'a-1',
          score: 70,
          insider: false,
          scenarios: ['quarter-end-exports-1'],
        },
        { rank: 4, employeeId: 'i-5', score: 70, insider: true, scenarios: ['metrics-broker-2'] },
        { rank: 5, employeeId: 'i-3', score: 50, insider: true, scenarios: ['metrics-broker-1'] },
        { rank: 6, employeeId: 'i-2', score: 40, insider: true, scenarios: ['collusion-ring-1'] },
        {
          rank: 7,
          employeeId: 'b-2',
          score: 10,
          insider: false,
          scenarios: ['moderation-audit-1'],
        },
      ]);
    });

    it('catches a scenario only by a serious alert at or after its start, timing the earliest', () => {
      expect(report.abuseScenarios).toEqual([
        // al-2 (03:00) is earlier than al-1 (06:00) though listed after it.
        {
          scenarioId: 'collusion-ring-1',
          type: 'collusion-ring',
          members: 2,
          caught: true,
          firstAlertTime: '2026-03-02T03:00:00Z',
          hoursToFirstAlert: 3,
          membersFlagged: 2,
          named: false,
        },
        // al-3 predates the start; i-3 still counts as flagged by rank 5 (top max(2 %, k) = 5).
        {
          scenarioId: 'metrics-broker-1',
          type: 'metrics-broker',
          members: 1,
          caught: false,
          firstAlertTime: null,
          hoursToFirstAlert: null,
          membersFlagged: 1,
          named: null,
        },
        // al-4 is low; i-4 is not ranked.
        {
          scenarioId: 'email-harvest-1',
          type: 'email-harvest',
          members: 1,
          caught: false,
          firstAlertTime: null,
          hoursToFirstAlert: null,
          membersFlagged: 0,
          named: null,
        },
        {
          scenarioId: 'metrics-broker-2',
          type: 'metrics-broker',
          members: 1,
          caught: true,
          firstAlertTime: '2026-03-04T12:00:00+02:00',
          hoursToFirstAlert: 34,
          membersFlagged: 1,
          named: null,
        },
      ]);
      expect(report.scenarioTypesCaught).toEqual([
        { type: 'collusion-ring', caught: 1, instances: 1 },
        { type: 'email-harvest', caught: 0, instances: 1 },
        { type: 'metrics-broker', caught: 1, instances: 2 },
      ]);
      expect(report.medianHoursToFirstAlert).toBe(18.5); // (3 + 34) / 2
    });

    it('counts serious alerts on non-insiders as false alerts', () => {
      expect(report.falseAlerts).toBe(2); // al-6 (b-3), al-7 (c-1); al-8 is low
      expect(report.falseAlertsPer1000EmployeeDays).toBeCloseTo(1 / 3, 12); // 2 / 6000 × 1000
    });

    it('names the benign look-alikes flagged by a serious alert or a top 1 % rank', () => {
      // b-1 ranks 2nd (top 1 % = 2); b-3 has al-6; b-2 ranks 7th with no alert; n-1 nothing;
      // a-1 ranks 3rd, within the top 2 % but not the top 1 %, with no alert.
      expect(report.benignScenarios).toBe(4);
      expect(report.benignFlagged).toEqual([
        { scenarioId: 'night-shift-1', type: 'night-shift', employeeIds: ['b-1'] },
        { scenarioId: 'moderation-audit-1', type: 'moderation-audit', employeeIds: ['b-3'] },
      ]);
    });

    it('checks each cited event exists and is the cited employee’s own', () => {
      // Risk: i-1 ev-1 ✓ ev-2 ✓ ev-4 ✗(b-1's); b-1 ev-4 ✓ ev-x ✗(unknown).
      // Alerts: al-1 ev-1 ✓; al-2 ev-3 ✓; al-6 ev-4 ✗(b-1's); al-7 (c-1) ev-5 ✗(a-1's) ev-x ✗.
      expect(report.citedEvents).toBe(10);
      expect(report.citedRealOwn).toBe(5);
      expect(report.citedShareRealOwn).toBe(0.5);
      expect(report.badCitationExamples).toEqual([
        { employeeId: 'i-1', eventId: 'ev-4', problem: 'other-actor' },
        { employeeId: 'b-1', eventId: 'ev-x', problem: 'unknown-event' },
        { employeeId: 'b-3', eventId: 'ev-4', problem: 'other-actor' },
        { employeeId: 'c-1', eventId: 'ev-5', problem: 'other-actor' },
        { employeeId: 'c-1', eventId: 'ev-x', problem: 'unknown-event' },
      ]);
    });
  });

  describe('when there are no findings at all', () => {
    const report = scoreEvaluation({
      labels,
      manifest: manifest(),
      findings: noFindings,
      eventActors: new Map(),
    });

    it('retrieves nobody and catches nothing', () => {
      expect([report.recallTop1, report.recallTop2, report.recallTopK2]).toEqual([0, 0, 0]);
      expect([report.precisionAtK, report.averagePrecision]).toEqual([0, 0]);
      expect(report.abuseScenarios.map((s) => [s.caught, s.membersFlagged])).toEqual([
        [false, 0],
        [false, 0],
        [false, 0],
        [false, 0],
      ]);
      expect(report.scenarioTypesCaught.map((t) => t.caught)).toEqual([0, 0, 0]);
      expect(report.medianHoursToFirstAlert).toBeNull();
      expect([report.falseAlerts, report.falseAlertsPer1000EmployeeDays]).toEqual([0, 0]);
      expect(report.benignFlagged).toEqual([]);
      expect(report.top).toEqual([]);
    });

    it('reports a citation share of 1 over 0 citations', () => {
      expect([report.citedEvents, report.citedRealOwn, report.citedShareRealOwn]).toEqual([
        0, 0, 1,
      ]);
      expect(report.badCitationExamples).toEqual([]);
    });
  });

  describe('when the labels hold no insiders', () => {
    it('leaves recall, precision and average precision undefined (null)', () => {
      const benignOnly: Labels = {
        ...labels,
        insiders: [],
        scenarios: labels.scenarios.filter((s) => s.kind === 'benign'),
      };
      const report = scoreEvaluation({
        labels: benignOnly,
        manifest: manifest(),
        findings,
        eventActors,
      });
      expect(report.insiders).toBe(0);
      expect(report.cutoffs.topK2).toBe(4); // max(4, 0)
      expect([report.recallTop1, report.recallTop2, report.recallTopK2]).toEqual([
        null,
        null,
        null,
      ]);
      expect([report.precisionAtK, report.averagePrecision]).toEqual([null, null]);
      expect(report.falseAlerts).toBe(6); // every serious alert: al-1, al-2, al-3, al-5, al-6, al-7
    });
  });

  describe('when the period has no employee-days', () => {
    it('gives no false-alert rate rather than dividing by zero', () => {
      const report = scoreEvaluation({ labels, manifest: manifest(200, 0), findings, eventActors });
      expect(report.falseAlerts).toBe(2);
      expect(report.falseAlertsPer1000EmployeeDays).toBeNull();
    });
  });

  describe('when 1 % of the employees is not a whole number', () => {
    it('rounds the cutoff up, and keeps a whole 2 % as it is', () => {
      // 1 % of 350 = 3.5 → 4 places; 2 % = 7 exactly → 7, not 8.
      const report = scoreEvaluation({
        labels,
        manifest: manifest(350),
        findings: noFindings,
        eventActors: new Map(),
      });
      expect(report.cutoffs).toEqual({ top1: 4, top2: 7, topK2: 7 });
    });
  });

  describe('when an insider is (against the labels’ rules) in a benign scenario', () => {
    it('does not count the insider as a benign employee flagged', () => {
      const odd: Labels = {
        ...labels,
        scenarios: [scenario('new-hire-1', 'benign', ['i-1', 'n-1'], '2026-03-01T00:00:00Z')],
      };
      // i-1 ranks 1st and has serious alerts; n-1 has neither.
      const report = scoreEvaluation({ labels: odd, manifest: manifest(), findings, eventActors });
      expect(report.benignFlagged).toEqual([]);
    });
  });

  describe('when an employee has several risk entries and many are ranked', () => {
    it('keeps the highest score each, and lists only the first 20', () => {
      const many: RiskEntry[] = Array.from({ length: 25 }, (_, i) =>
        risk(`e-${String(i).padStart(2, '0')}`, 30 + i),
      );
      many.push(risk('e-00', 99), risk('e-24', 1));
      const report = scoreEvaluation({
        labels,
        manifest: manifest(),
        findings: { risk: many, alerts: [] },
        eventActors: new Map(),
      });
      // e-00 rises to 99 (1st); e-24 keeps 54 (2nd); then e-23 (53) … e-06 (36) at 20th (rank r ≥ 2 holds e-(26 − r)).
      expect(report.top).toHaveLength(20);
      expect(report.top.slice(0, 3).map((t) => [t.employeeId, t.score])).toEqual([
        ['e-00', 99],
        ['e-24', 54],
        ['e-23', 53],
      ]);
      expect(report.top[19]).toMatchObject({ rank: 20, employeeId: 'e-06', score: 36 });
    });
  });

  describe('when findings cite many bad events', () => {
    it('gives 10 distinct examples, counting every citation', () => {
      const ids = Array.from({ length: 12 }, (_, i) => `gone-${i}`);
      const report = scoreEvaluation({
        labels,
        manifest: manifest(),
        findings: {
          risk: [risk('a-1', 5, ['gone-0'], ids)], // gone-0 twice: one example
          alerts: [alert('al', 'a-1', 'low', '2026-03-02T00:00:00Z', ['gone-0', 'ev-5'])],
        },
        eventActors,
      });
      expect(report.citedEvents).toBe(15); // 12 + 1 + 2
      expect(report.citedRealOwn).toBe(1); // ev-5 is a-1's
      expect(report.badCitationExamples.map((b) => b.eventId)).toEqual(ids.slice(0, 10));
    });
  });
});

describe('scoreEvaluation of a ring', () => {
  const ringLabels: Labels = {
    ...labels,
    scenarios: [
      {
        ...scenario('collusion-ring-1', 'abuse', ['i-1', 'i-2'], '2026-03-02T00:00:00Z'),
        sellerIds: ['s-1', 's-2'],
      },
    ],
  };
  const ringAlert = (employeeIds: string[] | undefined, sellerIds: string[]): Alert => ({
    ...alert('r', 'i-1', 'high', '2026-03-03T00:00:00Z'),
    ...(employeeIds ? { employeeIds } : {}),
    sellerIds,
  });
  const named = (a: Alert): boolean | null =>
    scoreEvaluation({
      labels: ringLabels,
      manifest: manifest(),
      findings: { risk: [], alerts: [a] },
      eventActors: new Map(),
    }).abuseScenarios[0]!.named;

  it('counts it named only when one alert names every member and every one of its sellers', () => {
    expect(named(ringAlert(['i-1', 'i-2', 'x-9'], ['s-2', 's-1', 's-7']))).toBe(true);
    expect(named(ringAlert(['i-1'], ['s-1', 's-2']))).toBe(false);
    expect(named(ringAlert(undefined, ['s-1', 's-2']))).toBe(false);
    expect(named(ringAlert(['i-1', 'i-2'], ['s-1']))).toBe(false);
    expect(named(ringAlert(['i-1', 'i-2'], ['s-3']))).toBe(false);
  });
});

describe('citedEventIds', () => {
  it('lists every id cited in risk reasons and alerts once, in first-cited order', () => {
    expect(citedEventIds(findings)).toEqual(['ev-1', 'ev-2', 'ev-4', 'ev-x', 'ev-3', 'ev-5']);
    expect(citedEventIds(noFindings)).toEqual([]);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([])).toBeNull();
  });
});
