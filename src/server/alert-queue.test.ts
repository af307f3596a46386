import { describe, expect, it } from 'vitest';
import type { Alert } from '../domain/index.js';
import type { AlertTriage } from '../store/index.js';
import { queueOf } from './alert-queue.js';

const alert = (id: string, detector: string, employeeId: string): Alert => ({
  id,
  employeeId,
  detector,
  severity: 'medium',
  eventTime: '2026-09-10T10:00:00Z',
  sellerIds: [],
  events: ['ev-1'],
  summary: 'x',
});

const dismissed = (alertId: string, detector: string, employee: string): AlertTriage => ({
  alertId,
  detector,
  employee,
  state: 'dismissed',
  by: 'e-inv',
  at: '2026-09-11T10:00:00Z',
  until: '2026-10-11T10:00:00Z',
  eventId: 'ev-9',
});

describe('queueOf', () => {
  it('gives an alert the triage recorded for it', () => {
    const [q] = queueOf(
      [alert('al-1', 'reviewer-harvest', 'e-1')],
      [dismissed('al-1', 'reviewer-harvest', 'e-1')],
    );
    expect(q?.triage.state).toBe('dismissed');
    expect(q?.triage.by).toBe('e-inv');
  });

  it('does not give a renumbered id’s triage to another detector’s or employee’s alert', () => {
    const triages = [dismissed('al-1', 'reviewer-harvest', 'e-1')];
    const queue = queueOf(
      [alert('al-1', 'metrics-without-purpose', 'e-1'), alert('al-2', 'reviewer-harvest', 'e-1')],
      triages,
    );
    expect(queue.map((q) => q.triage.state)).toEqual(['new', 'new']);
    const other = queueOf([alert('al-1', 'reviewer-harvest', 'e-2')], triages);
    expect(other[0]?.triage.state).toBe('new');
    // filtered by state: the mismatched one is new, not dismissed
    expect(
      queueOf([alert('al-1', 'reviewer-harvest', 'e-2')], triages, new Set(['dismissed'])),
    ).toEqual([]);
  });
});
