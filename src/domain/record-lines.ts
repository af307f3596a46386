/**
 * Stored records as the store reads them, one raw row each, and their interchange lines: the
 * text the ledger's leaves are recomputed from when a stored log is verified.
 */

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

/** A `directory_versions` row as `raw()` reads it: leaf, kind, stored payload (JSON). */
export type VersionLineRow = [leaf: number, kind: string, payload: string];

/** A stored record as its raw row: an event's (11 columns) or a directory version's (3). */
export type LeafRow = EventLineRow | VersionLineRow;

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

/** The interchange line of a raw row (`eventLine` or `versionLine`). */
export function leafRowLine(row: LeafRow): string {
  return row.length === 3 ? versionLine(row[1], row[2]) : eventLine(row);
}
