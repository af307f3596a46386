import type { AccessEvent } from '../domain/index.js';

/**
 * RFC 8785 JSON Canonicalization Scheme: object members sorted by their names' UTF-16 code
 * units (JavaScript's default sort), no insignificant whitespace, strings and numbers in
 * their ECMAScript `JSON.stringify` forms (RFC 8785 §3.2.2). `undefined` members are left
 * out, as JSON does. Throws on values JSON cannot hold (NaN, Infinity, functions), and on a
 * value nested deeper than `MAX_CANONICAL_DEPTH` (a `TypeError`, never a stack overflow: the
 * encoder recurses, and ingest refuses records that deep long before, `TOO_DEEP`).
 */
export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

/** Levels of nesting the encoder takes: far above what ingest admits (16), far below the stack. */
export const MAX_CANONICAL_DEPTH = 256;

function encode(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_CANONICAL_DEPTH) {
        throw new TypeError(`a value nested deeper than ${MAX_CANONICAL_DEPTH} levels`);
      }
      return Array.isArray(value)
        ? canonicalArray(value, depth + 1)
        : canonicalObject(value as Record<string, unknown>, depth + 1);
    default:
      throw new TypeError(`a ${typeof value} is not a JSON value`);
  }
}

function canonicalArray(items: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i > 0) out += ',';
    out += item === undefined || typeof item === 'function' ? 'null' : encode(item, depth);
  }
  return `${out}]`;
}

function canonicalObject(obj: Record<string, unknown>, depth: number): string {
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${encode(v, depth)}`;
  }
  return `${out}}`;
}

/**
 * The same canonical form for an event line, written out member by member in sorted order
 * (action, actor, attrs, context, id, kind, outcome, target, ticket, time, v): the ingest hot
 * path. A property test holds it equal to `canonicalJson` of the same line.
 */
export function canonicalEventLine(e: AccessEvent): string {
  return canonicalEventMembers(
    e,
    e.attrs === undefined ? undefined : canonicalObject(e.attrs, 2),
    e.context === undefined ? undefined : canonicalObject(e.context as Record<string, unknown>, 2),
  );
}

/**
 * `canonicalEventLine` of an event whose `attrs` and `context` are given as their canonical
 * JSON (`undefined`: absent), the event's own being ignored.
 */
export function canonicalEventMembers(
  e: Omit<AccessEvent, 'attrs' | 'context'>,
  attrs: string | undefined,
  context: string | undefined,
): string {
  let out = `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)}`;
  if (attrs !== undefined) out += `,"attrs":${attrs}`;
  if (context !== undefined) out += `,"context":${context}`;
  out += `,"id":${JSON.stringify(e.id)},"kind":"event"`;
  if (e.outcome !== undefined) out += `,"outcome":${JSON.stringify(e.outcome)}`;
  out += `,"target":{"id":${JSON.stringify(e.target.id)},"type":${JSON.stringify(e.target.type)}}`;
  if (e.ticket !== undefined) out += `,"ticket":${JSON.stringify(e.ticket)}`;
  return `${out},"time":${JSON.stringify(e.time)},"v":1}`;
}

/**
 * A directory record's two canonical forms from one sort of its members: the stored payload
 * (`canonicalJson(body)`) and the leaf text (`canonicalJson({ v: 1, kind, ...body })`, what
 * `encodeLeafText` gives), so that the sealing thread encodes each record once. A property test
 * holds both equal to `canonicalJson`. `body` holds neither `v` nor `kind` (no directory
 * schema has them): a `TypeError` otherwise.
 */
export function canonicalDirectory(
  kind: string,
  body: Record<string, unknown>,
): [payload: string, leaf: string] {
  if ('v' in body || 'kind' in body) throw new TypeError('a directory body holds no v or kind');
  return encodeDirectoryMembers(kind, body);
}

/**
 * `canonicalDirectory` of a directory record given as its interchange line's value
 * (`{ v: 1, kind, ...body }`, members in any order): its `v` and `kind` members are left out of
 * the payload and the leaf takes `kind` from the argument. Spares the sealing thread deleting
 * them from each parsed line (a deleted member turns the object into a slow dictionary). The
 * caller vouches that the line's `v` is 1 and its `kind` is `kind` (ingest's fast path read
 * them); a `TypeError` otherwise.
 */
export function canonicalDirectoryLine(
  kind: string,
  line: Record<string, unknown>,
): [payload: string, leaf: string] {
  if (line['v'] !== 1 || line['kind'] !== kind)
    throw new TypeError(`a ${kind} line holds "v": 1 and "kind": "${kind}"`);
  return encodeDirectoryMembers(kind, line);
}

/** The payload and leaf of the members of `obj` but its top-level `v` and `kind`. */
function encodeDirectoryMembers(
  kind: string,
  obj: Record<string, unknown>,
): [payload: string, leaf: string] {
  const keys = Object.keys(obj).sort();
  const kindMember = `"kind":${JSON.stringify(kind)}`;
  let payload = '{';
  let leaf = '{';
  let kindDone = false;
  let vDone = false;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined || key === 'v' || key === 'kind') continue;
    if (!kindDone && key > 'kind') {
      leaf += leaf.length > 1 ? `,${kindMember}` : kindMember;
      kindDone = true;
    }
    if (!vDone && key > 'v') {
      leaf += leaf.length > 1 ? ',"v":1' : '"v":1';
      vDone = true;
    }
    const member = `${JSON.stringify(key)}:${encode(v, 1)}`;
    payload += payload.length > 1 ? `,${member}` : member;
    leaf += leaf.length > 1 ? `,${member}` : member;
  }
  if (!kindDone) leaf += leaf.length > 1 ? `,${kindMember}` : kindMember;
  if (!vDone) leaf += ',"v":1';
  return [`${payload}}`, `${leaf}}`];
}
