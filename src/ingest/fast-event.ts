import {
  ACTION_TARGETS,
  OUTCOMES,
  TARGET_TYPES,
  isCustomAction,
  isStandardAction,
  parseTime,
  type AccessEvent,
  type Action,
  type Attrs,
  type EventContext,
  type Outcome,
  type Target,
  type TargetType,
} from '../domain/index.js';
import { isPlainAsciiId } from './ids.js';
import { jsonProblem } from './json-limits.js';
import { actionAttrsSchemas } from './schemas.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Json = Record<string, unknown>;

const MAX_ID = 128;
const MAX_TEXT = 4096;
const TARGETS = new Set<string>(TARGET_TYPES);
const OUTCOME_SET = new Set<string>(OUTCOMES);
const CONTEXT_KEYS = ['ip', 'device', 'session', 'geo'] as const;

/**
 * The event body that `eventSchema` and the action check would produce for `obj` (same
 * fields, same key order, same values), when `obj` is plainly a valid event of the common
 * shape; `undefined` for anything else — invalid, or merely unusual (an id beyond plain
 * ASCII, attrs past the JSON limits) — which then goes through zod, so that every rejection keeps its
 * code, field and message. The ingest hot path: zod costs more than the JSON parse.
 * `fast-event.test.ts` holds it to zod's output on generated events.
 */
export function parseEventFast(obj: Json): AccessEvent | undefined {
  if (obj['v'] !== 1 || obj['kind'] !== 'event' || !hasOnlyEventKeys(obj)) return undefined;
  const { id, time, actor, action, outcome, ticket } = obj;
  if (!isId(id) || !isTime(time) || !isId(actor) || typeof action !== 'string') return undefined;
  const target = readTarget(obj['target'], action);
  if (target === undefined) return undefined;
  const body: Mutable<AccessEvent> = { id, time, actor, action: action as Action, target };
  if (outcome !== undefined) {
    if (typeof outcome !== 'string' || !OUTCOME_SET.has(outcome)) return undefined;
    body.outcome = outcome as Outcome;
  }
  if (ticket !== undefined) {
    if (!isId(ticket)) return undefined;
    body.ticket = ticket;
  }
  if (obj['context'] !== undefined) {
    const context = readContext(obj['context']);
    if (context === undefined) return undefined;
    body.context = context;
  }
  if (obj['attrs'] !== undefined) {
    const attrs = readAttrs(obj['attrs'], action);
    if (attrs === undefined) return undefined;
    body.attrs = attrs;
  }
  return body;
}

function hasOnlyEventKeys(obj: Json): boolean {
  for (const key in obj) {
    switch (key) {
      case 'v':
      case 'kind':
      case 'id':
      case 'time':
      case 'actor':
      case 'action':
      case 'target':
      case 'outcome':
      case 'ticket':
      case 'context':
      case 'attrs':
        continue;
      default:
        return false;
    }
  }
  return true;
}

/** A standard action on its own target type, or a custom `x-` action on any target type. */
function readTarget(value: unknown, action: string): Target | undefined {
  if (!isObject(value)) return undefined;
  const { type, id } = value;
  if (typeof type !== 'string' || !isId(id) || !hasOnly(value, 2)) return undefined;
  if (isStandardAction(action)) {
    if (ACTION_TARGETS[action] !== type) return undefined;
  } else if (!isCustomAction(action) || action.length > MAX_ID || !TARGETS.has(type)) {
    return undefined;
  }
  return { type: type as TargetType, id };
}

/** zod rebuilds the context in its schema's key order. */
function readContext(value: unknown): EventContext | undefined {
  if (!isObject(value)) return undefined;
  const out: Mutable<EventContext> = {};
  let n = 0;
  for (const key of CONTEXT_KEYS) {
    const text = value[key];
    if (text === undefined) continue;
    if (!isText(text)) return undefined;
    out[key] = text;
    n++;
  }
  return hasOnly(value, n) ? out : undefined;
}

/**
 * Attrs pass as parsed (zod's record copies them key for key, in the same order); attrs past
 * the JSON limits (too deep, a non-finite number, a `__proto__` member) are left to zod, which
 * refuses them. The action's own attrs schema still runs.
 */
function readAttrs(value: unknown, action: string): Attrs | undefined {
  if (!isObject(value) || jsonProblem(value, 2) !== undefined) return undefined;
  const schema = isStandardAction(action) ? actionAttrsSchemas[action] : undefined;
  if (schema !== undefined && !schema.safeParse(value).success) return undefined;
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `obj` has exactly `n` enumerable keys (the ones already read). */
function hasOnly(obj: Json, n: number): boolean {
  let count = 0;
  for (const _key in obj) count++;
  return count === n;
}

/** 1–128 characters of plain ASCII with no space at either end; any other id is left to zod. */
function isId(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= MAX_ID && value !== '' && isPlainAsciiId(value)
  );
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && parseTime(value) !== undefined;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT;
}
