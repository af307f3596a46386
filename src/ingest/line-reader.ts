import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { InputError, type InputErrorCode } from './errors.js';

/** The longest line accepted; longer lines are refused without being held in memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

export type LineItem =
  | { readonly ok: true; readonly no: number; readonly text: string }
  | {
      readonly ok: false;
      readonly no: number;
      readonly code: InputErrorCode;
      readonly message: string;
    };

export interface LineSource {
  /** The name used in messages: the path, or `stdin`. */
  readonly name: string;
  /** Total bytes when known (a file), for progress. */
  readonly totalBytes?: number;
  open(): Readable;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Streams the lines of an NDJSON input, gunzipping it when it starts with the gzip magic
 * bytes (whatever its name). Yields the lines of each chunk read together (one await per
 * chunk, not per line): one item per line, numbered from 1, the text or why the line
 * cannot be read. Blank lines are skipped. A damaged gzip stream throws `CORRUPT_GZIP`
 * naming the line it broke in.
 */
export async function* readLines(
  source: Readable,
  name: string,
  onBytes: (n: number) => void = () => {},
): AsyncGenerator<LineItem[]> {
  let no = 0;
  let carry: Buffer[] = [];
  let carried = 0;
  let overLong = false;
  try {
    for await (const chunk of maybeGunzip(source, onBytes)) {
      const items: LineItem[] = [];
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) break;
        no++;
        if (overLong) {
          overLong = false;
          items.push(tooLong(no));
        } else {
          const line =
            carried === 0 ? chunk.subarray(start, nl) : joinCarry(carry, chunk.subarray(start, nl));
          const item = decodeLine(line, no);
          if (item) items.push(item);
        }
        carry = [];
        carried = 0;
        start = nl + 1;
      }
      if (start < chunk.length && !overLong) {
        carried += chunk.length - start;
        if (carried > MAX_LINE_BYTES) {
          overLong = true;
          carry = [];
          carried = 0;
        } else carry.push(chunk.subarray(start));
      }
      if (items.length > 0) yield items;
    }
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    throw new InputError(
      'CORRUPT_GZIP',
      `${name}:${no + 1}: the gzip stream is truncated or damaged`,
      [],
      {
        cause,
      },
    );
  }
  no++;
  if (overLong) yield [tooLong(no)];
  else if (carried > 0) {
    const item = decodeLine(Buffer.concat(carry), no);
    if (item) yield [item];
  }
}

async function* maybeGunzip(
  source: Readable,
  onBytes: (n: number) => void,
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  onBytes(head.length);
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    yield head;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      onBytes(r.value.length);
      yield r.value;
    }
    return;
  }
  const gunzip = createGunzip();
  const feed = (async () => {
    gunzip.write(head);
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      onBytes(r.value.length);
      if (!gunzip.write(r.value)) await new Promise((res) => gunzip.once('drain', res));
    }
    gunzip.end();
  })();
  feed.catch((error: unknown) => gunzip.destroy(error as Error));
  for await (const chunk of gunzip) yield chunk as Buffer;
  await feed;
}

function joinCarry(carry: Buffer[], tail: Buffer): Buffer {
  return Buffer.concat([...carry, tail]);
}

function decodeLine(line: Buffer, no: number): LineItem | undefined {
  let end = line.length;
  if (end > 0 && line[end - 1] === 13) end--; // a trailing \r is tolerated
  if (end > MAX_LINE_BYTES) return tooLong(no);
  const body = line.subarray(0, end);
  if (!isUtf8(body) || body.includes(0)) {
    return {
      ok: false,
      no,
      code: 'BINARY_DATA',
      message: 'the line is not UTF-8 text (binary data?)',
    };
  }
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  return { ok: true, no, text };
}

function tooLong(no: number): LineItem {
  return {
    ok: false,
    no,
    code: 'LINE_TOO_LONG',
    message: `the line is longer than ${MAX_LINE_BYTES} bytes; a record is never that long`,
  };
}

export function fileSource(path: string, size?: number): LineSource {
  return {
    name: path,
    ...(size === undefined ? {} : { totalBytes: size }),
    open: () => createReadStream(path, { highWaterMark: 256 * 1024 }),
  };
}
