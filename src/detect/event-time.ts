/**
 * Times as detection reads them: exactly `parseTime`'s answer (domain/time.ts), faster for a
 * stream's usual case. A stream's times are mostly in the canonical form
 * `YYYY-MM-DDTHH:MM:SS[.sss]Z` and fall on few dates (events, and the tickets, reports and
 * assignments between them), so each date's first instant is remembered once `parseTime` has
 * read a time on it, and later times on it are read from their time of day alone. Anything
 * else (a date not seen yet, another form, an invalid time) is `parseTime`'s to answer.
 */
import { digitsAt, parseTime } from '../domain/index.js';

/** `YYYYMMDD` → the first instant of that (valid) date, as `parseTime` read it. */
const dayStarts = new Map<number, number>();
/** Dates remembered at most (a hostile stream of distinct dates costs a re-read, not memory). */
const MAX_DAYS = 4_096;
/** The date last read from `dayStarts`, and its first instant: a stream's times come in order. */
let lastDate = -1;
let lastStart = 0;

/** Epoch milliseconds of an RFC 3339 time, or undefined: always what `parseTime` answers. */
export function readTime(text: string): number | undefined {
  const n = text.length;
  if (n !== 20 && n !== 24) return parseTime(text);
  const date = canonicalDate(text);
  const ms = date < 0 ? -1 : timeOfDay(text, n === 24);
  if (ms < 0) return parseTime(text);
  if (date === lastDate) return lastStart + ms;
  const start = dayStarts.get(date);
  if (start !== undefined) {
    lastDate = date;
    lastStart = start;
    return start + ms;
  }
  // Canonical in form, so parseTime reads it by Date.UTC: the date's first instant + ms.
  const t = parseTime(text);
  if (t !== undefined) {
    if (dayStarts.size >= MAX_DAYS) dayStarts.clear();
    dayStarts.set(date, t - ms);
  }
  return t;
}

/**
 * `YYYY-MM-DDT` as the number `YYYYMMDD`, or -1 unless written as `parseTime`'s canonical
 * path reads it (whether the date exists is `parseTime`'s answer, remembered with it).
 */
function canonicalDate(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return -1;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  return (year | month | day) < 0 ? -1 : year * 10_000 + month * 100 + day;
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
