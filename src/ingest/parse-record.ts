import type { z } from 'zod';
import {
  ACTION_TARGETS,
  RECORD_KINDS,
  isCustomAction,
  isStandardAction,
  type DirectoryKind,
  type InterchangeRecord,
  type RecordKind,
} from '../domain/index.js';
import { maskValue } from '../privacy/index.js';
import type { InputErrorCode } from './errors.js';
import { parseDirectoryFast } from './fast-directory.js';
import { parseEventFast } from './fast-event.js';
import { UNSAFE_ID_PREFIX } from './ids.js';
import { jsonProblem } from './json-limits.js';
import { PERSONAL_FIELDS, SCHEMAS, TIME_MESSAGE, actionAttrsSchemas } from './schemas.js';

export type ParseResult =
  | {
      readonly ok: true;
      readonly record: InterchangeRecord;
      /** The line, when the fast path read every member of it: the ledger encodes the leaf from it. */
      readonly eventLine?: string;
      /** A directory record's line, when the fast path read every member of it (its value is the record). */
      readonly directoryLine?: string;
    }
  | {
      readonly ok: false;
      readonly code: InputErrorCode;
      readonly field?: string;
      readonly value?: string;
      readonly message: string;
    };

const KINDS = new Set<string>(RECORD_KINDS);

/** Parses one NDJSON line into a validated record, or says exactly what is wrong with it. */
export function parseRecord(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: 'MALFORMED_JSON', message: `not JSON: ${(error as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'NOT_AN_OBJECT', message: 'a record is a JSON object' };
  }
  const obj = raw as Record<string, unknown>;
  const limit = jsonProblem(obj);
  if (limit !== undefined) {
    // no value shown: it may be thousands of levels deep
    return { ok: false, code: limit.code, field: limit.path.join('.'), message: limit.message };
  }
  if (obj['v'] !== 1) {
    return fail(
      obj,
      'BAD_VERSION',
      'v',
      obj['v'] === undefined
        ? 'missing; interchange v1 needs "v": 1'
        : 'must be 1 (interchange v1)',
    );
  }
  const kind = obj['kind'];
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    return fail(obj, 'UNKNOWN_KIND', 'kind', `must be one of ${RECORD_KINDS.join(', ')}`);
  }
  if (kind === 'event') {
    const fast = parseEventFast(obj);
    if (fast !== undefined)
      return { ok: true, record: { kind: 'event', body: fast }, eventLine: text };
    return parseWithSchema(obj, 'event');
  }
  const record = parseDirectoryFast(obj, kind as DirectoryKind);
  return record !== undefined
    ? { ok: true, record, directoryLine: text }
    : parseWithSchema(obj, kind as RecordKind);
}

/** The full validation of a record of a known kind by its zod schema: every rejection's source. */
export function parseWithSchema(obj: Record<string, unknown>, kind: RecordKind): ParseResult {
  const result = SCHEMAS[kind].safeParse(obj);
  if (!result.success) return describeIssue(obj, result.error.issues[0]);
  const { v: _v, kind: _k, ...body } = result.data as Record<string, unknown>;
  if (kind === 'event') {
    const problem = checkAction(obj, body);
    if (problem) return problem;
  }
  return { ok: true, record: { kind, body } as unknown as InterchangeRecord };
}

function checkAction(
  obj: Record<string, unknown>,
  body: Record<string, unknown>,
): ParseResult | undefined {
  const action = body['action'] as string;
  const target = body['target'] as { type: string };
  if (isStandardAction(action)) {
    if (ACTION_TARGETS[action] !== target.type) {
      return fail(
        obj,
        'TARGET_MISMATCH',
        'target.type',
        `${action} targets a ${ACTION_TARGETS[action]}`,
      );
    }
    const attrsSchema = actionAttrsSchemas[action];
    if (attrsSchema && body['attrs'] !== undefined) {
      const r = attrsSchema.safeParse(body['attrs']);
      if (!r.success) return describeIssue(obj, r.error.issues[0], ['attrs']);
    }
    return undefined;
  }
  if (isCustomAction(action)) return undefined;
  return fail(
    obj,
    'UNKNOWN_ACTION',
    'action',
    `not an action of interchange v1 (custom actions start with "x-")`,
  );
}

function describeIssue(
  obj: Record<string, unknown>,
  issue: z.core.$ZodIssue | undefined,
  prefix: PropertyKey[] = [],
): ParseResult {
  if (!issue) return { ok: false, code: 'INVALID_FIELD', message: 'invalid record' };
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const field = [...path, issue.keys[0] ?? '?'].join('.');
    return {
      ok: false,
      code: 'UNKNOWN_FIELD',
      field,
      message: `not a field of ${String(obj['kind'])} in interchange v1; put extra fields in attrs`,
    };
  }
  const field = path.join('.');
  if (valueAt(obj, path) === undefined) {
    return { ok: false, code: 'MISSING_FIELD', field, message: 'required' };
  }
  const own =
    issue.code === 'custom' ? (issue.params?.['code'] as InputErrorCode | undefined) : undefined;
  if (own !== undefined) return { ok: false, code: own, field, message: issue.message };
  return fail(obj, codeOf(issue.message), field, issue.message, path);
}

function codeOf(message: string): InputErrorCode {
  if (message === TIME_MESSAGE) return 'INVALID_TIME';
  return message.startsWith(UNSAFE_ID_PREFIX) ? 'UNSAFE_ID' : 'INVALID_FIELD';
}

function fail(
  obj: Record<string, unknown>,
  code: InputErrorCode,
  field: string,
  message: string,
  path: PropertyKey[] = field.split('.'),
): ParseResult {
  const value = valueAt(obj, path);
  if (value === undefined) return { ok: false, code, field, message };
  return { ok: false, code, field, message, value: showValue(field, value) };
}

function showValue(field: string, value: unknown): string {
  const last = field.split('.').pop() ?? field;
  if (PERSONAL_FIELDS.has(last)) return maskValue(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
