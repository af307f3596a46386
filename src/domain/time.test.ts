import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTime, parseTime } from './time.js';

describe('parseTime', () => {
  describe('when the text is an RFC 3339 time with a zone', () => {
    it('gives the instant, whatever the offset', () => {
      expect(parseTime('2026-03-02T09:14:05Z')).toBe(Date.UTC(2026, 2, 2, 9, 14, 5));
      expect(parseTime('2026-03-02T17:14:05+08:00')).toBe(Date.UTC(2026, 2, 2, 9, 14, 5));
      expect(parseTime('2026-03-02T04:14:05.25-05:00')).toBe(Date.UTC(2026, 2, 2, 9, 14, 5, 250));
      expect(parseTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    });
    it('agrees with Date.parse on any instant', () => {
      fc.assert(
        fc.property(
          fc.date({
            min: new Date('1900-01-01'),
            max: new Date('2200-01-01'),
            noInvalidDate: true,
          }),
          (d) => {
            const text = d.toISOString();
            expect(parseTime(text)).toBe(Date.parse(text));
            expect(parseTime(formatTime(d.getTime()))).toBe(d.getTime());
          },
        ),
      );
    });
  });
  describe('when the text has a common form YYYY-MM-DDTHH:MM:SS[.sss]Z (the fast path)', () => {
    it('answers exactly as the full parser does, valid or not', () => {
      const digit = fc.constantFrom(...'0123456789'.split(''));
      const field = (n: number) =>
        fc
          .array(fc.oneof(digit, digit, digit, fc.constantFrom('x', ' ', '-')), {
            minLength: n,
            maxLength: n,
          })
          .map((a) => a.join(''));
      fc.assert(
        fc.property(
          field(4),
          field(2),
          field(2),
          field(2),
          field(2),
          field(2),
          fc.option(field(3)),
          (y, mo, d, h, mi, s, ms) => {
            const clock = `${y}-${mo}-${d}T${h}:${mi}:${s}${ms === null ? '' : `.${ms}`}`;
            // The same instant spelled so that only the full parser takes it: lower-case zone, offset.
            expect(parseTime(`${clock}Z`)).toBe(parseTime(`${clock}z`));
            expect(parseTime(`${clock}Z`)).toBe(parseTime(`${clock}+00:00`));
          },
        ),
        { numRuns: 2000 },
      );
      expect(parseTime('2026-02-29T00:00:00Z')).toBeUndefined();
      expect(parseTime('2026-12-31T23:59:60Z')).toBe(Date.UTC(2027, 0, 1));
      expect(parseTime('2026-03-02T09:14:05.007Z')).toBe(Date.UTC(2026, 2, 2, 9, 14, 5, 7));
      expect(parseTime('2026-03-02T09:14:05.0x7Z')).toBeUndefined();
      expect(parseTime('2026-03-02T09:14:05,007Z')).toBeUndefined();
    });
  });

  describe('when the text is not', () => {
    it.each([
      '2026-03-02 09:14:05Z',
      '2026-03-02T09:14:05',
      '2026-02-30T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-03-02T24:00:00Z',
      '2026-03-02T09:14:05+25:00',
      '',
      'yesterday',
    ])('refuses %j', (text) => {
      expect(parseTime(text)).toBeUndefined();
    });
  });
});
