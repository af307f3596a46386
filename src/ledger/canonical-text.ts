/**
 * RFC 8785 forms read straight off stored JSON text, without parsing it into objects and
 * writing it out again: the verifier's fast path (`leafRowHash`). It takes only a plain
 * subset whose canonical form is known from the text alone, and answers `undefined` for
 * anything else, which the caller then encodes the long way (`JSON.parse`, `canonicalJson`).
 *
 * The subset: no whitespace; strings without a backslash, a control character or a UTF-16
 * surrogate (so `JSON.stringify` of the value is the text itself); integers of at most 15
 * digits without a leading zero or `-0` (so `JSON.stringify` of the number is the text); `true`,
 * `false`, `null`; arrays; objects whose members are in strictly increasing order of their
 * names by UTF-16 code units (RFC 8785 §3.2.3, and no name twice), nested at most
 * `MAX_TEXT_DEPTH` levels. Text of that subset is its value's canonical JSON. Only the members
 * of the outermost object may stand in any order: `canonicalObjectText` sorts them.
 */

/** Nesting the fast path takes; deeper text is encoded the long way (which allows 256). */
const MAX_TEXT_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
/** Integers longer than this are left to the long way (2^53 has 16 digits). */
const MAX_DIGITS = 15;

/**
 * The offsets of the members of an object text of the subset, its outermost members in any
 * order: four per member (name start, name end, value start, value end; the name with its
 * quotes). `undefined` if the text is not such an object.
 */
export function objectMembers(text: string): number[] | undefined {
  if (text.charCodeAt(0) !== OPEN_OBJECT) return undefined;
  const members: number[] = [];
  const end = scanMembers(text, 1, 1, members);
  return end === text.length ? members : undefined;
}

/**
 * The canonical JSON of an object text of the subset whose outermost members may stand in
 * any order (an event's stored `context` or `attrs`): equal to `canonicalJson(JSON.parse(text))`
 * whenever it is not `undefined`.
 */
export function canonicalObjectText(text: string): string | undefined {
  const members = objectMembers(text);
  if (members === undefined) return undefined;
  const order = sortedMembers(text, members);
  if (order === undefined) return undefined;
  if (order === IN_ORDER) return text;
  let out = '{';
  for (let k = 0; k < order.length; k++) {
    const at = (order[k] as number) * 4;
    if (k > 0) out += ',';
    out += text.slice(members[at], members[at + 3]);
  }
  return `${out}}`;
}

/**
 * A directory version's leaf text from its stored payload, an object text of the subset with
 * members and neither `v` nor `kind`: its members and `"kind"` and `"v":1` in canonical order,
 * equal to `canonicalJson({ v: 1, kind, ...JSON.parse(payload) })` whenever it is not
 * `undefined`.
 */
export function directoryLeafText(kind: string, payload: string): string | undefined {
  const members = objectMembers(payload);
  if (members === undefined || members.length === 0) return undefined;
  const order = sortedMembers(payload, members);
  if (order !== IN_ORDER) return undefined; // stored payloads are canonical: nothing to sort
  // the first member named after "kind", and the first after "v" (the names hold no escapes)
  let kindAt = -1;
  let vAt = -1;
  for (let at = 0; at < members.length; at += 4) {
    const name = payload.slice((members[at] as number) + 1, (members[at + 1] as number) - 1);
    if (name === 'kind' || name === 'v') return undefined;
    if (kindAt < 0 && name > 'kind') kindAt = members[at] as number;
    if (name > 'v') {
      vAt = members[at] as number;
      break;
    }
  }
  const kindMember = `"kind":${JSON.stringify(kind)},`;
  const close = payload.length - 1;
  if (kindAt < 0) {
    // every member sorts before "kind": both go at the end
    return `${payload.slice(0, close)},${kindMember}"v":1}`;
  }
  if (vAt < 0) {
    return `${payload.slice(0, kindAt)}${kindMember}${payload.slice(kindAt, close)},"v":1}`;
  }
  return `${payload.slice(0, kindAt)}${kindMember}${payload.slice(kindAt, vAt)}"v":1,${payload.slice(vAt)}`;
}

const IN_ORDER: readonly number[] = [];

/**
 * The members' order by name (indices into `members`), `IN_ORDER` when they stand in it
 * already, `undefined` when a name is there twice.
 */
function sortedMembers(text: string, members: readonly number[]): readonly number[] | undefined {
  let sorted = true;
  for (let at = 4; at < members.length; at += 4) {
    const c = compareNames(text, members, at - 4, at);
    if (c === 0) return undefined;
    if (c > 0) sorted = false;
  }
  if (sorted) return IN_ORDER;
  const order = Array.from({ length: members.length / 4 }, (_, k) => k);
  order.sort((a, b) => compareNames(text, members, a * 4, b * 4));
  for (let k = 1; k < order.length; k++) {
    if (compareNames(text, members, (order[k - 1] as number) * 4, (order[k] as number) * 4) === 0)
      return undefined;
  }
  return order;
}

/** Compares two member names of `text` by UTF-16 code units (their quotes included alike). */
function compareNames(text: string, members: readonly number[], a: number, b: number): number {
  // names hold no backslash, so the closing quote ends each; compare inside the quotes
  let i = (members[a] as number) + 1;
  let j = (members[b] as number) + 1;
  const iEnd = (members[a + 1] as number) - 1;
  const jEnd = (members[b + 1] as number) - 1;
  for (; i < iEnd && j < jEnd; i++, j++) {
    const d = text.charCodeAt(i) - text.charCodeAt(j);
    if (d !== 0) return d;
  }
  return iEnd - i - (jEnd - j);
}

/**
 * Scans the members of an object from just after its `{`; pushes their offsets to `out`
 * when given (the outermost object), else requires them in strictly increasing order.
 * Returns the offset just after the closing `}`, or -1.
 */
function scanMembers(text: string, start: number, depth: number, out?: number[]): number {
  if (depth > MAX_TEXT_DEPTH) return -1;
  let i = start;
  if (text.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
  let prevStart = -1;
  let prevEnd = -1;
  for (;;) {
    const nameStart = i;
    const nameEnd = scanString(text, i);
    if (nameEnd < 0 || text.charCodeAt(nameEnd) !== COLON) return -1;
    if (out === undefined) {
      if (prevStart >= 0 && compareRegions(text, prevStart, prevEnd, nameStart, nameEnd) >= 0)
        return -1;
      prevStart = nameStart;
      prevEnd = nameEnd;
    }
    const valueEnd = scanValue(text, nameEnd + 1, depth);
    if (valueEnd < 0) return -1;
    out?.push(nameStart, nameEnd, nameEnd + 1, valueEnd);
    const c = text.charCodeAt(valueEnd);
    if (c === CLOSE_OBJECT) return valueEnd + 1;
    if (c !== COMMA) return -1;
    i = valueEnd + 1;
  }
}

/** Two quoted names of `text` compared by UTF-16 code units. */
function compareRegions(text: string, a: number, aEnd: number, b: number, bEnd: number): number {
  let i = a + 1;
  let j = b + 1;
  for (; i < aEnd - 1 && j < bEnd - 1; i++, j++) {
    const d = text.charCodeAt(i) - text.charCodeAt(j);
    if (d !== 0) return d;
  }
  return aEnd - 1 - i - (bEnd - 1 - j);
}

/** Scans one value of the subset at `i`; the offset just after it, or -1. */
function scanValue(text: string, i: number, depth: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return scanString(text, i);
  if (c === OPEN_OBJECT) return scanMembers(text, i + 1, depth + 1);
  if (c === OPEN_ARRAY) return scanArray(text, i + 1, depth + 1);
  if (c === MINUS || (c >= ZERO && c <= NINE)) return scanInteger(text, i);
  if (text.startsWith('true', i)) return i + 4;
  if (text.startsWith('false', i)) return i + 5;
  if (text.startsWith('null', i)) return i + 4;
  return -1;
}

function scanArray(text: string, start: number, depth: number): number {
  if (depth > MAX_TEXT_DEPTH) return -1;
  if (text.charCodeAt(start) === CLOSE_ARRAY) return start + 1;
  let i = start;
  for (;;) {
    const end = scanValue(text, i, depth);
    if (end < 0) return -1;
    const c = text.charCodeAt(end);
    if (c === CLOSE_ARRAY) return end + 1;
    if (c !== COMMA) return -1;
    i = end + 1;
  }
}

/** A string with no backslash, control character or surrogate; the offset after its quote. */
function scanString(text: string, i: number): number {
  if (text.charCodeAt(i) !== QUOTE) return -1;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j + 1;
    if (c < 0x20 || c === BACKSLASH || (c >= 0xd800 && c <= 0xdfff)) return -1;
  }
  return -1;
}

/** An integer as ECMAScript writes it: no leading zero, no `-0`, at most 15 digits. */
function scanInteger(text: string, i: number): number {
  let j = text.charCodeAt(i) === MINUS ? i + 1 : i;
  const first = text.charCodeAt(j);
  if (first < ZERO || first > NINE) return -1;
  if (first === ZERO) return j === i ? j + 1 : -1; // "0" only; "-0" and "01" are not canonical
  const digitsFrom = j;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c < ZERO || c > NINE) break;
    j++;
  }
  return j - digitsFrom > MAX_DIGITS ? -1 : j;
}
