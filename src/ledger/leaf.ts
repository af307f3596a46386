import { hash } from 'node:crypto';
import { INTERCHANGE_VERSION, type AccessEvent, type InterchangeRecord } from '../domain/index.js';
import { canonicalEventLine, canonicalJson } from './canonical.js';

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
 * What an append carries to the hashing thread: a record, or a record as its interchange
 * line (JSON whose value is `{ "v": 1, "kind": …, ...fields }`, members in any order), which
 * costs far less to pass between threads than the record object. The caller vouches that the
 * line's value is the record it stores (ingest passes event lines whose every member its fast
 * path read; verification builds lines from the stored rows).
 */
export type LeafSource = InterchangeRecord | string;

/** The leaf hash of a record, or of a record given as its line (see `LeafSource`). */
export function leafSourceHash(source: LeafSource): Buffer {
  if (typeof source !== 'string') return recordLeafHash(source);
  const value = JSON.parse(source) as { v?: unknown; kind?: unknown } & AccessEvent;
  if (value.v !== INTERCHANGE_VERSION || typeof value.kind !== 'string') {
    throw new TypeError('a record line must hold an interchange v1 record');
  }
  // A directory line is `{v, kind, ...body}`: exactly what encodeLeafText canonicalises.
  return leafHashOfText(value.kind === 'event' ? canonicalEventLine(value) : canonicalJson(value));
}
