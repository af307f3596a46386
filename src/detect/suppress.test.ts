import { describe, expect, it } from 'vitest';
import type { Alert, Suppression } from '../domain/index.js';
import { applySuppressions } from './suppress.js';

const alert = (id: string, employeeId: string, detector = 'bulk-export'): Alert => ({
  id,
  employeeId,
  detector,
  severity: 'high',
  eventTime: '2026-03-01T10:00:00Z',
  sellerIds: [],
  events: [],
  summary: 's',
});

const dismissal: Suppression = {
  detector: 'bulk-export',
  employeeId: 'E1',
  until: '2026-03-10T00:00:00Z',
  reason: 'known migration job',
  by: 'E9',
  alertId: 'al-1',
};

describe('applySuppressions', () => {
  describe('when a dismissal has not expired', () => {
    it('marks alerts of its detector about its employee, and only those', () => {
      const out = applySuppressions(
        [alert('al-1', 'E1'), alert('al-2', 'E2'), alert('al-3', 'E1', 'other')],
        [dismissal],
        '2026-03-05T00:00:00Z',
      );
      expect(out.map((a) => a.suppressed?.reason)).toEqual([
        'known migration job',
        undefined,
        undefined,
      ]);
    });

    it('covers a ring alert that includes the employee', () => {
      const ring = { ...alert('al-4', 'E7'), employeeIds: ['E7', 'E1'] };
      expect(applySuppressions([ring], [dismissal], '2026-03-05T00:00:00Z')[0]?.suppressed).toEqual(
        { until: dismissal.until, reason: dismissal.reason, by: 'E9', alertId: 'al-1' },
      );
    });
  });

  describe('when the dismissal has expired', () => {
    it('suppresses nothing', () => {
      const out = applySuppressions([alert('al-1', 'E1')], [dismissal], '2026-03-10T00:00:00Z');
      expect(out[0]?.suppressed).toBeUndefined();
    });
  });
});
