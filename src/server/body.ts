import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ServerError } from './errors.js';

/** Whether a bounded body went over its limit (so a stream error is reported as that). */
export interface Bound {
  over: boolean;
}

/**
 * An ingest body, capped: at most `limit` bytes as sent and, when it is gzip (by its magic
 * bytes, whatever the headers say), at most `limit` bytes inflated, so that neither a huge
 * upload nor a small gzip bomb is read to its end. Plain bodies pass through unchanged; the
 * importer reads lines from what this yields.
 */
export function boundedBody(body: Readable, limit: number, bound: Bound): Readable {
  // a refused batch stops reading, but leaves the socket open for the answer
  return boundedChunks(body.iterator({ destroyOnReturn: false }), limit, bound);
}

/** `boundedBody` of a body's chunks (a `BodyHead`'s `chunks()`, say). */
export function boundedChunks(
  chunks: AsyncIterable<Buffer>,
  limit: number,
  bound: Bound,
): Readable {
  return Readable.from(inflateIfGzip(chunks, limit, bound), { objectMode: false });
}

/** The first bytes of a body, read before its batch waits for the write lock. */
export interface BodyHead {
  /** Bytes read (sent, not inflated). */
  readonly bytes: number;
  /** Whether they are the whole body. */
  readonly ended: boolean;
  /** The body's chunks: those read, then the rest from the socket (once). */
  chunks(): AsyncIterable<Buffer>;
  /** Gives the bytes read back to the `Prefetch`'s total (call once the batch is done). */
  release(): void;
}

/**
 * Reads ingest bodies ahead of the write lock: up to `perBody` bytes of each, and at most
 * `total` bytes held by all the bodies read ahead and not yet released, so that memory stays
 * bounded however many requests wait. A body longer than what it may read ahead streams the
 * rest under its batch's transaction, as any body did before.
 */
export class Prefetch {
  private held = 0;

  constructor(
    readonly perBody: number,
    readonly total: number,
  ) {}

  /** Bytes held now by bodies read ahead (for tests). */
  get holding(): number {
    return this.held;
  }

  /** Reads the head of `body`; stops early once it is over `limit` (the batch is refused). */
  async read(body: Readable, limit: number): Promise<BodyHead> {
    // a refused batch stops reading, but leaves the socket open for the answer
    const it = body.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>;
    const read: Buffer[] = [];
    let bytes = 0;
    let ended = false;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.held -= bytes;
      read.length = 0;
    };
    try {
      while (bytes < this.perBody && bytes <= limit && this.held < this.total) {
        const next = await it.next();
        if (next.done) {
          ended = true;
          break;
        }
        read.push(next.value);
        bytes += next.value.length;
        this.held += next.value.length;
      }
    } catch (error) {
      release();
      throw error;
    }
    return {
      bytes,
      ended,
      release,
      chunks: async function* () {
        yield* read.splice(0);
        if (ended) return;
        for (;;) {
          const next = await it.next();
          if (next.done) return;
          yield next.value;
        }
      },
    };
  }
}

async function* inflateIfGzip(
  body: AsyncIterable<Buffer>,
  limit: number,
  bound: Bound,
): AsyncGenerator<Buffer> {
  const raw = capped(body, limit, bound, 'the body');
  // at least two bytes decide whether this is gzip
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await raw.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  if (head.length === 0) return;
  const rest = prepend(head, raw);
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* rest;
    return;
  }
  const gunzip = createGunzip();
  pipeline(Readable.from(rest), gunzip, () => {});
  yield* capped(gunzip, limit, bound, 'the inflated body');
}

async function* capped(
  source: AsyncIterable<Buffer>,
  limit: number,
  bound: Bound,
  what: string,
): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of source) {
    n += chunk.length;
    if (n > limit) {
      bound.over = true;
      throw new ServerError(
        'PAYLOAD_TOO_LARGE',
        `${what} is over ${limit} bytes; send smaller batches`,
      );
    }
    yield chunk;
  }
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

/** The first JSON nesting depth over `max`, found without parsing (strings are skipped). */
export function tooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
