import { hash } from 'node:crypto';
import { INTERCHANGE_VERSION, type InterchangeRecord } from '../domain/index.js';
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
