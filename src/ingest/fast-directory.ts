import { SHIFTS, parseTime, type DirectoryKind, type InterchangeRecord } from '../domain/index.js';
import { isPlainAsciiId } from './ids.js';
import { jsonProblem } from './json-limits.js';

type Json = Record<string, unknown>;

/** How one member of a directory record is checked; each mirrors its zod schema in `schemas.ts`. */
type Check = (value: unknown) => boolean;

const MAX_ID = 128;
const MAX_TEXT = 4096;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const SHIFT_SET = new Set<string>(SHIFTS);

/** 1–128 characters of plain ASCII with no space at either end; any other id is left to zod. */
const id: Check = (v) =>
  typeof v === 'string' && v !== '' && v.length <= MAX_ID && isPlainAsciiId(v);
const text: Check = (v) => typeof v === 'string' && v.length <= MAX_TEXT;
const text1: Check = (v) => typeof v === 'string' && v !== '' && v.length <= MAX_TEXT;
const time: Check = (v) => typeof v === 'string' && parseTime(v) !== undefined;
const timeOrNull: Check = (v) => v === null || time(v);
const email: Check = (v) =>
  typeof v === 'string' && v.length >= 3 && v.length <= 320 && EMAIL.test(v);
const rating: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;
const shift: Check = (v) => typeof v === 'string' && SHIFT_SET.has(v);
const ids: Check = (v) => Array.isArray(v) && v.length <= 1000 && v.every(id);
/** Attrs within the JSON limits pass as parsed (zod's record copies them key for key). */
const attrs: Check = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && jsonProblem(v, 2) === undefined;

/** A member: its name, its check, and whether it must be present. In the schema's key order. */
type Member = readonly [name: string, check: Check, required: boolean];
const req = (name: string, check: Check): Member => [name, check, true];
const opt = (name: string, check: Check): Member => [name, check, false];

const SHAPES: Record<DirectoryKind, readonly Member[]> = {
  employee: [
    req('id', id),
    req('team', text1),
    req('role', text1),
    req('site', text1),
    opt('name', text),
    opt('manager', id),
    opt('hiredAt', time),
    opt('leftAt', time),
    opt('shift', shift),
    opt('attrs', attrs),
  ],
  seller: [
    req('id', id),
    req('category', text1),
    req('region', text1),
    opt('name', text),
    opt('openedAt', time),
    opt('attrs', attrs),
  ],
  product: [
    req('id', id),
    req('sellerId', id),
    req('category', text1),
    opt('title', text),
    opt('attrs', attrs),
  ],
  reviewer: [req('id', id), req('email', email), opt('name', text), opt('attrs', attrs)],
  review: [
    req('id', id),
    req('productId', id),
    req('reviewerId', id),
    req('rating', rating),
    req('createdAt', time),
    opt('removedAt', time),
    opt('attrs', attrs),
  ],
  assignment: [
    req('employeeId', id),
    req('sellerId', id),
    req('from', time),
    opt('to', timeOrNull),
    opt('attrs', attrs),
  ],
  ticket: [
    req('id', id),
    req('sellerId', id),
    req('openedAt', time),
    opt('assigneeId', id),
    opt('openedBy', id),
    opt('closedAt', time),
    opt('topic', text),
    opt('reviewId', id),
    opt('relatedSellerIds', ids),
    opt('attrs', attrs),
  ],
  report: [
    req('id', id),
    req('reviewId', id),
    req('reportedAt', time),
    req('reason', text1),
    opt('attrs', attrs),
  ],
};

/**
 * The directory record that the kind's zod schema would produce for `obj` (same members, in the
 * schema's key order, same values), when `obj` is plainly valid; `undefined` for anything else —
 * invalid, or merely unusual (an id beyond plain ASCII, attrs past the JSON limits) — which then
 * goes through zod, so that every rejection keeps its code, field and message. `obj` has passed
 * the JSON limits, `v` and a known `kind`. `fast-directory.test.ts` holds it to zod's output.
 */
export function parseDirectoryFast(obj: Json, kind: DirectoryKind): InterchangeRecord | undefined {
  if (obj['v'] !== 1 || obj['kind'] !== kind) return undefined;
  const shape = SHAPES[kind];
  const body: Json = {};
  let n = 2; // v and kind
  for (const [name, check, required] of shape) {
    const value = obj[name];
    if (value === undefined) {
      if (required) return undefined;
      continue;
    }
    if (!check(value)) return undefined;
    body[name] = name === 'relatedSellerIds' ? [...(value as string[])] : value;
    n++;
  }
  return countKeys(obj) === n ? ({ kind, body } as unknown as InterchangeRecord) : undefined;
}

/** Own enumerable keys; a member outside the shape makes the count differ (zod: UNKNOWN_FIELD). */
function countKeys(obj: Json): number {
  let count = 0;
  for (const _key in obj) count++;
  return count;
}
