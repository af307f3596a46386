import type {
  AccessEvent,
  Action,
  InterchangeRecord,
  Outcome,
  TargetType,
} from '../domain/index.js';

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

/** An `events` row as `raw()` reads it for `eventLine`: leaf first, then the line's columns. */
export type EventLineRow = [
  leaf: number,
  id: string,
  time: string,
  actor: string,
  action: string,
  targetType: string,
  targetId: string,
  outcome: string | null,
  ticket: string | null,
  context: string | null,
  attrs: string | null,
];

/** The columns of `EventLineRow`, in order. */
export const EVENT_LINE_COLUMNS =
  'leaf, id, time, actor, action, target_type, target_id, outcome, ticket, context, attrs';

/**
 * The event of a row as an interchange line, without parsing its stored JSON: `context` and
 * `attrs` are spliced in as stored. Its value is exactly the record `rowToEvent` rebuilds.
 */
export function eventLine(r: EventLineRow): string {
  let line = `{"v":1,"kind":"event","id":${JSON.stringify(r[1])},"time":${JSON.stringify(r[2])},"actor":${JSON.stringify(r[3])},"action":${JSON.stringify(r[4])},"target":{"type":${JSON.stringify(r[5])},"id":${JSON.stringify(r[6])}}`;
  if (r[7] !== null) line += `,"outcome":${JSON.stringify(r[7])}`;
  if (r[8] !== null) line += `,"ticket":${JSON.stringify(r[8])}`;
  if (r[9] !== null) line += `,"context":${r[9]}`;
  if (r[10] !== null) line += `,"attrs":${r[10]}`;
  return `${line}}`;
}

/**
 * A directory version as an interchange line: `v` and `kind`, then the stored payload's
 * members (a member of the payload named like them wins, as in `{ v, kind, ...body }`).
 */
export function versionLine(kind: string, payload: string): string {
  const head = `{"v":1,"kind":${JSON.stringify(kind)}`;
  const body = payload.trimStart();
  if (!body.startsWith('{')) return `${head},"":${payload}}`; // not an object: cannot match
  return /^\{\s*\}$/.test(body) ? `${head}}` : `${head},${body.slice(1)}`;
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
