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
 * An `events` row as the detection feed's worker reads it (`FEED_EVENT_COLUMNS`): its actor,
 * action, target type and outcome as one JSON array text (`act`), which recurs (an actor does
 * a few kinds of thing), so that the reader creates and looks up one string where it did four.
 */
export type FeedEventRow = [
  leaf: number,
  id: string,
  time: string,
  act: string,
  targetId: string,
  ticket: string | null,
  context: string | null,
  attrs: string | null,
];

/** The columns of `FeedEventRow`, in order. */
export const FEED_EVENT_COLUMNS =
  'leaf, id, time, json_array(actor, action, target_type, outcome), target_id, ticket, context, attrs';

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
