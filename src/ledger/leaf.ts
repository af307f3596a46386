import { hash } from 'node:crypto';
import {
  INTERCHANGE_VERSION,
  RECORD_KINDS,
  leafRowLine,
  type AccessEvent,
  type DirectoryKind,
  type EventLineRow,
  type InterchangeRecord,
  type LeafRow,
} from '../domain/index.js';
import {
  canonicalDirectory,
  canonicalEventLine,
  canonicalEventMembers,
  canonicalJson,
} from './canonical.js';
import { canonicalObjectText, directoryLeafText } from './canonical-text.js';

const DIRECTORY_KINDS = new Set<string>(RECORD_KINDS.filter((k) => k !== 'event'));

/**
 * The text a leaf commits to: the record as an interchange v1 line (`v`, `kind`, then the
 * body's fields), canonicalised by RFC 8785 (JSON Canonicalization Scheme). Its UTF-8 bytes
 * are the leaf data of RFC 9162 §2.1.1.
 *
 * Personal data never enters in clear: reviewer `email` and `name` arrive here already
 * sealed (`enc:v1:…`, AES-256-GCM under the person's data key), so erasing a person by
 * destroying their key leaves every leaf, and so the tree, verifiable.
 */
export function encodeLeafText(record: InterchangeRecord): string {
  if (record.kind === 'event') return canonicalEventLine(record.body);
  return canonicalJson({ v: INTERCHANGE_VERSION, kind: record.kind, ...record.body });
}

/** The leaf data bytes of a record (UTF-8 of `encodeLeafText`). */
export function encodeLeafData(record: InterchangeRecord): Buffer {
  return Buffer.from(encodeLeafText(record), 'utf8');
}

/**
 * The RFC 9162 leaf hash of a record, SHA-256(0x00 ‖ data), hashed straight from the text
 * (its UTF-8 encoding after a NUL character is exactly 0x00 ‖ data): no copy of the data.
 */
export function recordLeafHash(record: InterchangeRecord): Buffer {
  return leafHashOfText(encodeLeafText(record));
}

/** The leaf hash of a leaf text (see `encodeLeafText`). */
export function leafHashOfText(text: string): Buffer {
  // a 'binary' string digest is faster than a 'buffer' one here (see hash.ts)
  return Buffer.from(hash('sha256', `\u0000${text}`, 'binary'), 'binary');
}

/**
 * What an append carries to the hashing thread: a record; a stored record as its raw row
 * (`leafRowHash`, the verifier's); an event as its interchange line
 * (JSON whose value is `{ "v": 1, "kind": "event", ...event }`, members in any order); or a
 * directory record as its kind and stored payload (`directoryLeafSource`). Text costs far less
 * to pass between threads than the object. The caller vouches that the text's value is the
 * record it stores (ingest passes the lines whose every member its fast path read, and the
 * very payload it stores).
 */
export type LeafSource = InterchangeRecord | string | LeafRow;

// A directory source starts with this character, which no JSON text can start with.
const DIRECTORY_TAG = '\u0001';

/**
 * A directory record as a `LeafSource`: its kind and the JSON of its body (the payload the
 * store keeps). The leaf is `encodeLeafText` of the record, encoded on the hashing thread.
 */
export function directoryLeafSource(kind: DirectoryKind, payload: string): string {
  return `${DIRECTORY_TAG}${kind}\u0000${payload}`;
}

// A leaf hashed already starts with this one, then its 32 bytes as Latin-1 characters.
const HASH_TAG = '\u0002';

/**
 * A leaf whose hash its caller computed (`leafHashOfText` of its `encodeLeafText`) as a
 * `LeafSource`: 33 one-byte characters, the cheapest thing to pass to the hashing thread.
 * The caller vouches for the hash as for any text source (ingest's sealing thread encodes the
 * payload it stores and the leaf from one object: `canonicalDirectory`).
 */
export function hashedLeafSource(leafHash: Uint8Array): string {
  if (leafHash.length !== 32) throw new TypeError('a leaf hash is 32 bytes');
  return HASH_TAG + Buffer.from(leafHash.buffer, leafHash.byteOffset, 32).toString('latin1');
}

/** The leaf hash of a record, or of a record given as text (see `LeafSource`). */
export function leafSourceHash(source: LeafSource): Buffer {
  if (Array.isArray(source)) return leafRowHash(source);
  if (typeof source !== 'string') return recordLeafHash(source);
  if (source.startsWith(DIRECTORY_TAG)) return directoryLeafHash(source);
  if (source.startsWith(HASH_TAG)) {
    if (source.length !== 33) throw new TypeError('a hashed leaf source holds 32 bytes');
    return Buffer.from(source.slice(1), 'latin1');
  }
  const value = JSON.parse(source) as { v?: unknown; kind?: unknown } & AccessEvent;
  if (value.v !== INTERCHANGE_VERSION || typeof value.kind !== 'string') {
    throw new TypeError('a record line must hold an interchange v1 record');
  }
  // A directory line is `{v, kind, ...body}`: exactly what encodeLeafText canonicalises.
  return leafHashOfText(value.kind === 'event' ? canonicalEventLine(value) : canonicalJson(value));
}

function directoryLeafHash(source: string): Buffer {
  const sep = source.indexOf('\u0000');
  const kind = source.slice(DIRECTORY_TAG.length, sep);
  const body = JSON.parse(source.slice(sep + 1)) as Record<string, unknown>;
  if (!DIRECTORY_KINDS.has(kind) || typeof body !== 'object' || body === null || 'v' in body) {
    throw new TypeError('a directory source must hold a directory kind and its body');
  }
  return leafHashOfText(canonicalJson({ v: INTERCHANGE_VERSION, kind, ...body }));
}

/**
 * The leaf hash of a stored record given as its raw row: exactly `leafSourceHash` of its
 * interchange line (`leafRowLine`), without writing the line and parsing it back, for every
 * row whose stored JSON (an event's `context` and `attrs`, a directory version's payload) is
 * one JSON object on its own and, for a payload, names neither `v` nor `kind`. Any other such
 * row throws (`storedObject`): its line would parse, but to a record its columns do not say —
 * a splice, not a record, whatever the row's other columns. A row of another shape (a column of
 * another type, a payload with no member or a `__proto__`) takes the line's path. A property test holds the two to that, on
 * stored records and on damaged ones.
 */
export function leafRowHash(row: LeafRow): Buffer {
  const text = row.length === 3 ? versionLeafText(row[1], row[2]) : eventLeafText(row);
  return text === undefined ? leafSourceHash(leafRowLine(row)) : leafHashOfText(text);
}

/**
 * An event row's leaf text, built from the value its line parses to: each text column as
 * itself (`JSON.parse(JSON.stringify(s)) === s` for every string), `context` and `attrs` as
 * their stored JSON parses on its own, which is the value it has spliced into the line.
 */
function eventLeafText(r: EventLineRow): string | undefined {
  const [, id, time, actor, action, type, target, outcome, ticket, context, attrs] = r;
  if (
    typeof id !== 'string' ||
    typeof time !== 'string' ||
    typeof actor !== 'string' ||
    typeof action !== 'string' ||
    typeof type !== 'string' ||
    typeof target !== 'string' ||
    !textOrNull(outcome) ||
    !textOrNull(ticket) ||
    !textOrNull(context) ||
    !textOrNull(attrs)
  ) {
    // a row of another shape takes the line's path, but may not splice members into it either
    if (typeof context === 'string') storedObject(context, 'context');
    if (typeof attrs === 'string') storedObject(attrs, 'attrs');
    return undefined;
  }
  const event = {
    id,
    time,
    actor,
    action,
    target: { type, id: target },
  } as { -readonly [K in keyof AccessEvent]: AccessEvent[K] };
  if (outcome !== null) event.outcome = outcome as AccessEvent['outcome'] & {};
  if (ticket !== null) event.ticket = ticket;
  // stored JSON already in canonical form, or nearly (members to sort), is read as text
  const attrsText = attrs === null ? undefined : canonicalObjectText(attrs);
  const contextText = context === null ? undefined : canonicalObjectText(context);
  if (
    (attrs === null || attrsText !== undefined) &&
    (context === null || contextText !== undefined)
  )
    return canonicalEventMembers(event, attrsText, contextText);
  if (context !== null) event.context = storedObject(context, 'context');
  if (attrs !== null) event.attrs = storedObject(attrs, 'attrs');
  return canonicalEventLine(event);
}

/**
 * A directory version's leaf text: `{ v: 1, kind, ...body }` canonicalised, when its payload
 * parses on its own to an object with members and neither `v` nor `kind` (the line then parses
 * to exactly that value: its members after `v` and `kind`).
 */
function versionLeafText(kind: unknown, payload: unknown): string | undefined {
  if (typeof kind !== 'string' || kind === 'event' || typeof payload !== 'string') {
    // a row of another shape takes the line's path, but may not splice members into it either
    if (typeof payload === 'string') countMembers(storedObject(payload, 'payload'));
    return undefined;
  }
  const text = directoryLeafText(kind, payload); // a canonical payload, as ingest stores it
  if (text !== undefined) return text;
  const body = storedObject(payload, 'payload');
  const members = countMembers(body);
  if (members === 0 || Object.hasOwn(body, '__proto__')) return undefined;
  return canonicalDirectory(kind, body)[1];
}

/** A stored payload's members, none of which may be `v` or `kind` (the row's own columns). */
function countMembers(body: Readonly<Record<string, unknown>>): number {
  let members = 0;
  for (const key in body) {
    if (key === 'v' || key === 'kind') {
      // spliced after the row's own `v` and `kind`, it would stand in for them in the line
      throw new TypeError(`its stored payload names "${key}", which is the row's own column`);
    }
    members++;
  }
  return members;
}

/**
 * A stored JSON column's value, which must be one JSON object on its own. A column that is
 * not (`{"a":1},"actor":"e-9"`) would still parse once spliced into the record's line, where its
 * extra members stand in for the row's other columns: the line would vouch for a row that
 * says something else. A `TypeError` names it (verify reports `RECORD_MALFORMED`).
 */
function storedObject(text: string, column: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new TypeError(`its stored ${column} is not JSON on its own`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`its stored ${column} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function textOrNull(value: unknown): boolean {
  return value === null || typeof value === 'string';
}
