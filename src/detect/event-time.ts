/**
 * Times as detection reads them: exactly `parseTime`'s answer (domain/time.ts), faster for a
 * stream's usual case. A stream's times come nearly in order, mostly in the canonical form
 * `YYYY-MM-DDTHH:MM:SS[.sss]Z`, so most share their date with the time read before: that
 * date's first instant is remembered, and only the time of day is read. Anything else (another
 * date, another form, an invalid time) goes to `parseTime`, which is then remembered from.
 */
import { parseTime } from '../domain/index.js';

/** `YYYY-MM-DDT` of the last canonical time read ('' before the first), and its first instant. */
let dayText = '';
let dayStart = 0;

/** Epoch milliseconds of an RFC 3339 time, or undefined: always what `parseTime` answers. */
export function readTime(text: string): number | undefined {
  const n = text.length;
  if (n !== 20 && n !== 24) return parseTime(text);
  if (dayText !== '' && text.startsWith(dayText)) {
    const ms = timeOfDay(text, n === 24);
    if (ms >= 0) return dayStart + ms;
  }
  const t = parseTime(text);
  if (t === undefined || !canonicalDate(text)) return t;
  const ms = timeOfDay(text, n === 24);
  if (ms < 0) return t;
  // Read by parseTime's canonical path: Date.UTC(date) + the time of day, all whole numbers.
  dayText = text.slice(0, 11);
  dayStart = t - ms;
  return t;
}

/** `YYYY-MM-DDT` written as `parseTime`'s canonical path reads it (its validity is its answer). */
function canonicalDate(s: string): boolean {
  return (
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(10) === 84 &&
    digitsAt(s, 0, 4) >= 0 &&
    digitsAt(s, 5, 2) >= 0 &&
    digitsAt(s, 8, 2) >= 0
  );
}

/**
 * Milliseconds since midnight of `HH:MM:SS[.sss]Z` after a canonical date, or -1 where
 * `parseTime`'s canonical path would not accept it (the caller then asks `parseTime`).
 */
function timeOfDay(s: string, millis: boolean): number {
  if (
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(s.length - 1) !== 90 ||
    (millis && s.charCodeAt(19) !== 46)
  )
    return -1;
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  const ms = millis ? digitsAt(s, 20, 3) : 0;
  if ((hour | minute | second | ms) < 0 || hour > 23 || minute > 59 || second > 60) return -1;
  // A leap second (:60) counts as the first instant of the next minute, as Date.UTC has it.
  return hour * 3_600_000 + minute * 60_000 + second * 1_000 + ms;
}

/** The decimal number written by `length` ASCII digits from `from`, or -1 if one is not a digit. */
function digitsAt(s: string, from: number, length: number): number {
  let v = 0;
  for (let i = from; i < from + length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
