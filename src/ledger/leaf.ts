import canonicalizeModule from 'canonicalize';
import { INTERCHANGE_VERSION, type InterchangeRecord } from '../domain/index.js';

// The package's typings declare an ES default export, but it is CommonJS: Node hands ESM
// importers `module.exports`, the function itself.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON text of a JSON value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('not a JSON value');
  return text;
}

/**
 * The bytes a leaf commits to: the record as an interchange v1 line (`v`, `kind`, then the
 * body's fields), canonicalised by RFC 8785 (JSON Canonicalization Scheme: keys sorted by
 * UTF-16 code units, no whitespace, ECMAScript number and string forms), UTF-8 encoded.
 *
 * Personal data never enters in clear: reviewer `email` and `name` arrive here already
 * sealed (`enc:v1:…`, AES-256-GCM under the person's data key), so erasing a person by
 * destroying their key leaves every leaf, and so the tree, verifiable.
 */
export function encodeLeafData(record: InterchangeRecord): Buffer {
  const line = { v: INTERCHANGE_VERSION, kind: record.kind, ...record.body };
  return Buffer.from(canonicalJson(line), 'utf8');
}
