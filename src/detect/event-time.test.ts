import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTime } from '../domain/index.js';
import { readTime } from './event-time.js';

const two = (n: number): string => String(n).padStart(2, '0');

/** Times near one another, canonical or not, valid or not: what a stream and a hostile file hold. */
const time = fc
  .record({
    year: fc.constantFrom(2024, 2026, 2000, 1900, 99),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    millis: fc.option(fc.integer({ min: 0, max: 999 })),
    t: fc.constantFrom('T', 't', ' '),
    zone: fc.constantFrom('Z', 'z', '+01:00', '-00:30', 'X'),
  })
  .map(
    (p) =>
      `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)}${p.t}${two(p.hour)}:${two(p.minute)}:${two(p.second)}${p.millis === null ? '' : `.${String(p.millis).padStart(3, '0')}`}${p.zone}`,
  );

const near = fc.constantFrom(
  '2026-09-07T10:00:00Z',
  '2026-09-07T23:59:60Z',
  '2026-09-07T24:00:00Z',
  '2026-09-07T10:00:00.250Z',
  '2026-09-07T10:0a:00Z',
  '2026-09-07T10:00:00z',
  '2026-09-07T10:00:00.25Z',
  '2026-09-07T10:00:00+02:00',
  '2026-02-29T10:00:00Z',
  '2024-02-29T10:00:00Z',
  '2026-09-08T00:00:00.000Z',
  '2026-09-07X10:00:00Z',
  '',
);

describe('readTime', () => {
  it('answers what parseTime answers, whatever was read before', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(time, near), { minLength: 1, maxLength: 30 }), (texts) => {
        for (const text of texts) expect(readTime(text)).toBe(parseTime(text));
      }),
      { seed: 14, numRuns: 3_000 },
    );
  });

  it('reads a time of the date read before from its time of day', () => {
    expect(readTime('2026-09-07T10:00:00Z')).toBe(Date.UTC(2026, 8, 7, 10));
    expect(readTime('2026-09-07T10:00:01.5Z')).toBe(Date.UTC(2026, 8, 7, 10, 0, 1, 500)); // RFC 3339's form
    expect(readTime('2026-09-07T23:59:60Z')).toBe(Date.UTC(2026, 8, 8));
    expect(readTime('2026-09-07T24:00:00Z')).toBe(undefined);
    expect(readTime('2026-09-07T00:00:00.007Z')).toBe(Date.UTC(2026, 8, 7, 0, 0, 0, 7));
  });
});
