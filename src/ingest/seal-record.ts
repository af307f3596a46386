import { canonicalDirectory, canonicalDirectoryLine, leafHashOfText } from '../ledger/index.js';
import type { PersonalData, Sealer } from '../privacy/index.js';

type Body = Record<string, unknown>;

/** A directory record as it will be stored: its sealed, canonical payload and its leaf hash. */
export interface EncodedDirectory {
  readonly payload: string;
  readonly leafHash: Buffer;
}

/**
 * The vault subject of an employee's personal data: its own name space, so that an employee
 * and a reviewer with the same id never share a data key (erasing one never erases the other).
 */
export function employeeSubject(id: string): string {
  return `employee:${id}`;
}

/**
 * The subject whose data key sealing this record needs, or `undefined` when sealing leaves it
 * as it is (so no key is created for it): a reviewer always (its `email`), an employee whose
 * `attrs` hold a declared personal member.
 */
export function keySubject(kind: string, body: Body, personal: PersonalData): string | undefined {
  if (kind === 'reviewer') return body['id'] as string;
  if (kind !== 'employee') return undefined;
  const attrs = body['attrs'] as Body | undefined;
  if (attrs === undefined) return undefined;
  for (const name of Object.keys(attrs)) {
    if (personal.isPersonalName('employee', name)) return employeeSubject(body['id'] as string);
  }
  return undefined;
}

/** The address a record's keyed e-mail hash is taken of: a reviewer's `email`. */
export function reviewerEmail(kind: string, body: Body): string | undefined {
  return kind === 'reviewer' ? (body['email'] as string) : undefined;
}

/**
 * The body with its personal data sealed: a reviewer's `email` and `name`, and the personal
 * members of a person's `attrs` (`PersonalData`: the shipped defaults and the org profile's
 * `personalData`), each under that person's data key. Other kinds come back as they are.
 */
export function sealBody(kind: string, body: Body, sealer: Sealer, personal: PersonalData): Body {
  if (kind === 'reviewer') {
    const id = body['id'] as string;
    const out: Body = { ...body, email: sealer.seal(id, 'email', body['email'] as string) };
    if (body['name'] !== undefined) out['name'] = sealer.seal(id, 'name', body['name'] as string);
    if (body['attrs'] !== undefined)
      out['attrs'] = personal.sealAttrs(sealer, id, 'reviewer', body['attrs'] as Body);
    return out;
  }
  if (kind === 'employee' && body['attrs'] !== undefined) {
    const subject = employeeSubject(body['id'] as string);
    const attrs = personal.sealAttrs(sealer, subject, 'employee', body['attrs'] as Body);
    return attrs === body['attrs'] ? body : { ...body, attrs };
  }
  return body;
}

/** Seals a directory record's body and encodes its payload and leaf from the one sealed object. */
export function encodeDirectory(
  kind: string,
  body: Body,
  sealer: Sealer,
  personal: PersonalData,
): EncodedDirectory {
  const [payload, leaf] = canonicalDirectory(kind, sealBody(kind, body, sealer, personal));
  return { payload, leafHash: leafHashOfText(leaf) };
}

/**
 * `encodeDirectory` of a record given as its line's parsed value (`{ v: 1, kind, ...body }`):
 * the sealing thread's form, which keeps the parsed object as it is (see
 * `canonicalDirectoryLine`).
 */
export function encodeDirectoryLine(
  kind: string,
  line: Body,
  sealer: Sealer,
  personal: PersonalData,
): EncodedDirectory {
  const [payload, leaf] = canonicalDirectoryLine(kind, sealBody(kind, line, sealer, personal));
  return { payload, leafHash: leafHashOfText(leaf) };
}
