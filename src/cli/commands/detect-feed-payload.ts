/**
 * The members of a directory record's stored payload found in its text, without parsing it:
 * the detection feed's worker sends a few members of each record (`DIRECTORY_MEMBERS`), and a
 * `JSON.parse` of every payload, to read those, was a quarter of its time.
 *
 * It reads a plain subset of JSON, the one stored payloads are written in (RFC 8785 canonical
 * JSON, `canonicalJson`, of ordinary records): no whitespace between tokens, and no backslash
 * or control character anywhere in the text, so that a string's value is the text between its
 * quotes. Within the subset it takes exactly the texts `JSON.parse` takes; for anything else
 * (an escape, whitespace, a name read twice, not JSON at all) it answers `false` and the caller
 * parses the text, which also gives the same error on a text that is not JSON.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** The first letters of `null`, `true` and `false`. */
const N = 0x6e;
const T = 0x74;
const F = 0x66;

/** What puts a text outside the subset wherever it stands (JSON has no raw control character). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPE_OR_CONTROL = /[\\\u0000-\u001f]/g;
/** A JSON number (RFC 8259 §6), at `lastIndex`. */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** Nesting taken; deeper values are left to `JSON.parse`. */
const MAX_DEPTH = 64;

/**
 * Finds in the object text that is `text` from `from` to its end the value of each member
 * named in `names`: its text is `text.slice(found[2k], found[2k + 1])` for `names[k]`, and
 * `found[2k]` is -1 when the object has no such member. `false` when the text is not of the
 * subset (the caller parses it then); `found` then holds nothing of use.
 */
export function findMembers(
  text: string,
  from: number,
  names: readonly string[],
  found: Int32Array,
): boolean {
  for (let k = 0; k < names.length; k++) found[2 * k] = -1;
  if (text.charCodeAt(from) !== OPEN_OBJECT) return false;
  ESCAPE_OR_CONTROL.lastIndex = from;
  if (ESCAPE_OR_CONTROL.test(text)) return false;
  let i = from + 1;
  if (text.charCodeAt(i) === CLOSE_OBJECT) return i + 1 === text.length;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return false;
    const close = text.indexOf('"', i + 1);
    if (close < 0 || text.charCodeAt(close + 1) !== COLON) return false;
    const start = close + 2;
    const end = valueEnd(text, start, 1);
    if (end < 0) return false;
    const k = nameAt(text, i + 1, close, names);
    if (k >= 0) {
      // JSON.parse keeps the last of a name given twice; so rare that the parse may say so
      if (found[2 * k]! >= 0) return false;
      found[2 * k] = start;
      found[2 * k + 1] = end;
    }
    const next = text.charCodeAt(end);
    if (next === CLOSE_OBJECT) return end + 1 === text.length;
    if (next !== COMMA) return false;
    i = end + 1;
  }
}

/** Which of `names` the text [from, to) is, or -1 (compared where it stands). */
export function nameAt(text: string, from: number, to: number, names: readonly string[]): number {
  const length = to - from;
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    // the first character tells most names of a length apart before a comparison is called
    if (
      name.length === length &&
      text.charCodeAt(from) === name.charCodeAt(0) &&
      text.startsWith(name, from)
    )
      return k;
  }
  return -1;
}

/** Where the value starting at `i` ends (just after it), or -1 if it is not one of the subset. */
function valueEnd(text: string, i: number, depth: number): number {
  switch (text.charCodeAt(i)) {
    case QUOTE: {
      const close = text.indexOf('"', i + 1);
      return close < 0 ? -1 : close + 1;
    }
    case OPEN_ARRAY:
      return depth < MAX_DEPTH ? arrayEnd(text, i + 1, depth + 1) : -1;
    case OPEN_OBJECT:
      return depth < MAX_DEPTH ? objectEnd(text, i + 1, depth + 1) : -1;
    case N:
      return text.startsWith('null', i) ? i + 4 : -1;
    case T:
      return text.startsWith('true', i) ? i + 4 : -1;
    case F:
      return text.startsWith('false', i) ? i + 5 : -1;
    default:
      NUMBER.lastIndex = i;
      return NUMBER.test(text) ? NUMBER.lastIndex : -1;
  }
}

function arrayEnd(text: string, i: number, depth: number): number {
  if (text.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
  for (;;) {
    const end = valueEnd(text, i, depth);
    if (end < 0) return -1;
    const next = text.charCodeAt(end);
    if (next === CLOSE_ARRAY) return end + 1;
    if (next !== COMMA) return -1;
    i = end + 1;
  }
}

function objectEnd(text: string, i: number, depth: number): number {
  if (text.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return -1;
    const close = text.indexOf('"', i + 1);
    if (close < 0 || text.charCodeAt(close + 1) !== COLON) return -1;
    const end = valueEnd(text, close + 2, depth);
    if (end < 0) return -1;
    const next = text.charCodeAt(end);
    if (next === CLOSE_OBJECT) return end + 1;
    if (next !== COMMA) return -1;
    i = end + 1;
  }
}

/**
 * The object that is `text`, when it is of the plain subset and flat (every member a string, a
 * number, `true`, `false` or `null`): made from the text as `JSON.parse` would make it (the same
 * members, values and order), a string's value cut from between its quotes; `undefined` for
 * anything else (a nested value, a member named `__proto__`, which a parse makes an own member
 * but an assignment would not), which the caller parses. An event's context is such an object,
 * and a parse internalised each of its values, tens of thousands of them, never looked up by
 * name.
 */
export function flatObject(text: string): Record<string, unknown> | undefined {
  if (text.charCodeAt(0) !== OPEN_OBJECT) return undefined;
  ESCAPE_OR_CONTROL.lastIndex = 0;
  if (ESCAPE_OR_CONTROL.test(text)) return undefined;
  const object: Record<string, unknown> = {};
  let i = 1;
  if (text.charCodeAt(i) === CLOSE_OBJECT) return i + 1 === text.length ? object : undefined;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const close = text.indexOf('"', i + 1);
    if (close < 0 || text.charCodeAt(close + 1) !== COLON) return undefined;
    const name = text.slice(i + 1, close);
    if (name === '__proto__') return undefined;
    const start = close + 2;
    const end = valueEnd(text, start, MAX_DEPTH);
    if (end < 0) return undefined;
    const c = text.charCodeAt(start);
    if (c === QUOTE) object[name] = text.slice(start + 1, end - 1);
    else if (c === N) object[name] = null;
    else if (c === T) object[name] = true;
    else if (c === F) object[name] = false;
    else object[name] = Number(text.slice(start, end));
    const next = text.charCodeAt(end);
    if (next === CLOSE_OBJECT) return end + 1 === text.length ? object : undefined;
    if (next !== COMMA) return undefined;
    i = end + 1;
  }
}
