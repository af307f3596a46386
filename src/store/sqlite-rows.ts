import type {
  AccessEvent,
  Action,
  EventLineRow,
  InterchangeRecord,
  LeafRow,
  Outcome,
  TargetType,
} from '../domain/index.js';

// The raw rows' interchange lines live in the domain: the ledger recomputes leaves from them.
export type { EventLineRow } from '../domain/index.js';

/** An `events` row, column for column. */
export interface EventRow {
  leaf: number;
  id: string;
  ts: number;
  time: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  outcome: string | null;
  ticket: string | null;
  context: string | null;
  attrs: string | null;
}

/** Rebuilds the event exactly as it was stored: absent optional fields stay absent. */
export function rowToEvent(row: EventRow): AccessEvent {
  const event: {
    -readonly [K in keyof AccessEvent]: AccessEvent[K];
  } = {
    id: row.id,
    time: row.time,
    actor: row.actor,
    action: row.action as Action,
    target: { type: row.target_type as TargetType, id: row.target_id },
  };
  if (row.outcome !== null) event.outcome = row.outcome as Outcome;
  if (row.ticket !== null) event.ticket = row.ticket;
  if (row.context !== null) event.context = JSON.parse(row.context) as AccessEvent['context'] & {};
  if (row.attrs !== null) event.attrs = JSON.parse(row.attrs) as AccessEvent['attrs'] & {};
  return event;
}

export function eventRecord(row: EventRow): InterchangeRecord {
  return { kind: 'event', body: rowToEvent(row) };
}

/** The columns of `EventLineRow`, in order. */
export const EVENT_LINE_COLUMNS =
  'leaf, id, time, actor, action, target_type, target_id, outcome, ticket, context, attrs';

/**
 * Records as the detection feed's worker reads them: each row as one text (`FEED_EVENT_TEXT`,
 * `FEED_VERSION_TEXT`), not as an array of columns, whose making was half of what reading
 * them cost (better-sqlite3 makes each row's array and each of its values through V8's API).
 * Its fields are found again by `eventFields` and `versionFields`.
 *
 * An event's text: leaf, id, time, actor, action, target type, outcome, target id, ticket,
 * context, attrs, between them `FIELD`; a column that may be NULL is empty when it is, else its
 * value after a `+`. One `concat_ws` makes it: a chain of `||` copied the text made so far at
 * each step, and cost the reading ~30 % more. A version's text: leaf, `VERSION`, kind, `FIELD`,
 * payload.
 */
export const FEED_EVENT_TEXT =
  "concat_ws(char(31), leaf, id, time, actor, action, target_type, ifnull('+' || outcome, ''), target_id, ifnull('+' || ticket, ''), ifnull('+' || context, ''), ifnull('+' || attrs, ''))";
export const FEED_VERSION_TEXT = 'leaf || char(30) || kind || char(31) || payload';

/** Between a feed row's fields (`char(31)`). */
const FIELD = 0x1f;
/** After a version's leaf (`char(30)`); an event's has `FIELD`. */
const VERSION = 0x1e;
const FIELD_TEXT = String.fromCharCode(FIELD);
/** Fields of an event's text after its leaf: the separators `eventFields` finds. */
export const EVENT_FIELDS = 10;

/**
 * An event's act as its row text holds it (its action, target type and outcome fields with the
 * two separators between them) as those three values; undefined for a text of another form
 * (one without a separator).
 */
export function feedActFields(act: string): [string, string, string | null] | undefined {
  if (!act.includes(FIELD_TEXT)) return undefined;
  const [action, targetType, outcome] = act.split(FIELD_TEXT) as [string, string, string];
  return [action, targetType, outcome === '' ? null : outcome.slice(1)];
}

/** The leaf of a feed row's text: its leading digits. */
export function feedLeaf(text: string): number {
  let leaf = 0;
  for (let i = 0; ; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (!(c >= 0 && c <= 9)) return leaf;
    leaf = leaf * 10 + c;
  }
}

/** Whether a feed row's text is a version's. */
export function isVersionText(text: string): boolean {
  for (let i = 0; ; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 0x30 && c <= 0x39)) return c === VERSION;
  }
}

/**
 * The offsets of the separators of an event's text (`FEED_EVENT_TEXT`), `EVENT_FIELDS` of
 * them, in `at`: field k lies between `at[k - 1] + 1` and `at[k]` (the last one up to the
 * end). `false` when a field holds a `FIELD` itself (an id may hold any character; JSON texts
 * hold none raw), so that the fields cannot be told apart: the caller reads the row's columns
 * (`eventLineRow`).
 */
export function eventFields(text: string, at: Int32Array): boolean {
  let i = 0;
  while (text.charCodeAt(i) !== FIELD) if (i++ === text.length) return false;
  at[0] = i;
  for (let k = 1; k < EVENT_FIELDS; k++) {
    i = text.indexOf(FIELD_TEXT, i + 1);
    if (i < 0) return false;
    at[k] = i;
  }
  return text.indexOf(FIELD_TEXT, i + 1) < 0;
}

/**
 * The offsets in a version's text (`FEED_VERSION_TEXT`): `at[0]` after the leaf, `at[1]`
 * after the kind; the payload follows. `false` when the kind or the payload holds a `FIELD`
 * (a JSON text holds none raw): the caller reads the row's columns (`versionLineRow`).
 */
export function versionFields(text: string, at: Int32Array): boolean {
  let i = 0;
  while (text.charCodeAt(i) !== VERSION) if (i++ === text.length) return false;
  at[0] = i;
  i = text.indexOf(FIELD_TEXT, i + 1);
  if (i < 0) return false;
  at[1] = i;
  return text.indexOf(FIELD_TEXT, i + 1) < 0;
}

/** The columns `rawEventRecord` reads, in its order. */
export const EVENT_COLUMNS =
  'leaf, id, time, actor, action, target_type, target_id, outcome, ticket, context, attrs';

/** `rowToEvent` over a raw row of `EVENT_COLUMNS` (no row object per event). */
export function rawEventRecord(row: unknown[]): InterchangeRecord {
  const event: {
    -readonly [K in keyof AccessEvent]: AccessEvent[K];
  } = {
    id: row[1] as string,
    time: row[2] as string,
    actor: row[3] as string,
    action: row[4] as Action,
    target: { type: row[5] as TargetType, id: row[6] as string },
  };
  if (row[7] !== null) event.outcome = row[7] as Outcome;
  if (row[8] !== null) event.ticket = row[8] as string;
  if (row[9] !== null) event.context = JSON.parse(row[9] as string) as AccessEvent['context'] & {};
  if (row[10] !== null) event.attrs = JSON.parse(row[10] as string) as AccessEvent['attrs'] & {};
  return { kind: 'event', body: event };
}

/** Raw event and version rows in leaf order merged into one (on a tie, the event first). */
export function mergeRows(e: readonly EventLineRow[], v: readonly LeafRow[]): LeafRow[] {
  if (v.length === 0) return e as EventLineRow[];
  if (e.length === 0) return v as LeafRow[];
  const out = new Array<LeafRow>(e.length + v.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    const event = e[i];
    const version = v[j];
    if (event !== undefined && (version === undefined || event[0] <= version[0])) {
      out[k] = event;
      i++;
    } else {
      out[k] = version as LeafRow;
      j++;
    }
  }
  return out;
}
