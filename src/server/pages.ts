import { z } from 'zod';
import { ServerError } from './errors.js';

/** The query of every list route: an opaque cursor and a page size. */
export const pageQuery = z.object({
  cursor: z.string().max(200).optional().describe('the nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export interface Page<T> {
  readonly items: T[];
  /** Absent on the last page. */
  readonly nextCursor?: string;
}

const cursorBody = z.strictObject({ o: z.number().int().min(0), v: z.string().max(100) });

/**
 * One page of `items`. The cursor carries the offset and the list's version (for findings,
 * the ledger size they cover): a cursor from another version is `CURSOR_STALE`, so a client
 * never stitches a list together from two computations.
 */
export function page<T>(
  items: readonly T[],
  query: { cursor?: string | undefined; limit: number },
  version: string,
): Page<T> {
  const offset = query.cursor === undefined ? 0 : readCursor(query.cursor, version);
  const slice = items.slice(offset, offset + query.limit);
  const next = offset + slice.length;
  return next < items.length
    ? {
        items: slice,
        nextCursor: Buffer.from(JSON.stringify({ o: next, v: version })).toString('base64url'),
      }
    : { items: slice };
}

function readCursor(cursor: string, version: string): number {
  let parsed: z.infer<typeof cursorBody>;
  try {
    parsed = cursorBody.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new ServerError('BAD_REQUEST', 'query cursor: not a cursor this server handed out');
  }
  if (parsed.v !== version) {
    throw new ServerError(
      'CURSOR_STALE',
      'the list changed since this cursor was handed out (the ledger grew); fetch the first page again',
    );
  }
  return parsed.o;
}
