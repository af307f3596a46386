/**
 * RFC 3339 date-times with a zone (`2026-03-02T09:14:05Z`, `…+08:00`), as interchange v1
 * requires. Returns epoch milliseconds, or undefined when the text is not such a time
 * (including impossible dates like February 30th). On the ingest hot path: no Date.parse.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function parseTime(text: string): number | undefined {
  if (text.length === 20 || text.length === 24) {
    const fast = parseCanonicalUtc(text);
    if (fast !== NOT_CANONICAL) return fast;
  }
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  let offset = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  // A leap second (:60) counts as the first instant of the next minute.
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

const NOT_CANONICAL = -Infinity;

/**
 * The common forms `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS.sssZ` (what
 * `Date.prototype.toISOString` writes) without the regular expression: detection and ingest
 * parse millions. Anything else is left to the full parser (`NOT_CANONICAL`).
 */
function parseCanonicalUtc(s: string): number | undefined {
  const millis = s.length === 24;
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(s.length - 1) !== 90 ||
    (millis && s.charCodeAt(19) !== 46)
  )
    return NOT_CANONICAL;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  const ms = millis ? digitsAt(s, 20, 3) : 0;
  if ((year | month | day | hour | minute | second | ms) < 0) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The decimal number written by `length` ASCII digits from `from`, or -1 if one is not a digit. */
export function digitsAt(s: string, from: number, length: number): number {
  let v = 0;
  for (let i = from; i < from + length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysIn(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS[month - 1] ?? 0;
}

/** An instant as an RFC 3339 UTC string with millisecond precision trimmed when zero. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
