import { mkdtempSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { fileSource, readValidLines, validateSource } from '../../ingest/index.js';
import { StreamError, type StreamPublisher } from '../../stream/index.js';
import { boundedBody, type Bound } from '../body.js';
import { ServerError } from '../errors.js';
import type { RouteContext } from '../route-context.js';

const count = z.number().int();

/** The answer of `POST /v1/ingest` when the server publishes (`warden serve --publish`). */
export const publishReportShape = z.object({
  stream: z.string().describe('the JetStream stream the batch went to'),
  partitions: count.describe('the stream’s partition count'),
  lines: count,
  events: count.describe('events published, each to the partition of its actor'),
  directoryRecords: count.describe('directory records published, each once, by key'),
  messages: count.describe('messages the stream acknowledged: events + directoryRecords'),
  rejected: count.describe('invalid lines left out (skipInvalid=true; else the batch is refused)'),
  rejectedByCode: z.record(z.string(), count),
  issues: z
    .array(
      z.object({
        file: z.string(),
        line: count,
        code: z.string(),
        field: z.string().optional(),
        value: z.string().optional(),
        message: z.string(),
      }),
    )
    .readonly()
    .describe('the first 50 invalid lines'),
  subjects: z
    .array(z.object({ subject: z.string(), partition: count, messages: count }))
    .readonly()
    .describe('messages per subject `<stream>.<partition>.event|directory`'),
});

export type PublishAnswer = z.infer<typeof publishReportShape>;

let dir: string | undefined;

/** A private folder for this process's spooled batches (each removed after its request). */
function spoolDir(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'warden-publish-'));
  return dir;
}

/**
 * Publish mode of `POST /v1/ingest`: the body is validated as it streams in, by the rules of
 * the import (`validateSource`), and spooled to a private file, since the socket is read once;
 * only a batch that passes (or `skipInvalid`) is then published from the file, through the
 * publisher `warden ingest --publish` uses, and answered once every message is acknowledged.
 */
export async function publishBody(
  ctx: RouteContext,
  publisher: StreamPublisher,
  body: Readable,
  name: string,
  skipInvalid: boolean,
  log: FastifyBaseLogger,
): Promise<PublishAnswer> {
  const bound: Bound = { over: false };
  const path = join(spoolDir(), `${name.replace(/[^A-Za-z0-9-]/g, '_')}.ndjson`);
  const file = await open(path, 'wx', 0o600);
  try {
    const limit = ctx.limits.ingestBody;
    const check = await validateSource(
      { name, open: () => Readable.from(spooled(boundedBody(body, limit, bound), file)) },
      skipInvalid,
    ).catch((error: unknown) => {
      if (!bound.over) throw error;
      throw new ServerError(
        'PAYLOAD_TOO_LARGE',
        `the batch is over ${limit} bytes (sent or inflated); nothing was published`,
      );
    });
    await file.close();
    const sent = await publisher
      .publish(readValidLines({ ...fileSource(path), name }))
      .catch((error: unknown) => {
        throw unavailable(error, publisher.stream, log);
      });
    return {
      stream: publisher.stream,
      partitions: sent.partitions,
      ...check,
      events: sent.events,
      directoryRecords: sent.directoryRecords,
      messages: sent.messages,
      subjects: subjectList(sent.subjects),
    };
  } finally {
    body.resume(); // drain what a refused batch left unread, so the answer can be sent
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
  }
}

/** The body as it is read, each chunk written to the spool file before it is passed on. */
async function* spooled(body: Readable, file: FileHandle): AsyncGenerator<Buffer> {
  for await (const chunk of body as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.length;) at += (await file.write(chunk, at)).bytesWritten;
    yield chunk;
  }
}

function subjectList(subjects: Readonly<Record<string, number>>): PublishAnswer['subjects'] {
  return Object.entries(subjects)
    .map(([subject, messages]) => ({
      subject,
      partition: Number(subject.split('.').at(-2)),
      messages,
    }))
    .sort((a, b) => a.partition - b.partition || a.subject.localeCompare(b.subject));
}

/**
 * A stream fault as the caller's `503 STREAM_UNAVAILABLE`. Its own message (which can name the
 * NATS server) goes to the log only. Unacknowledged means not published: the caller sends the
 * batch again, and a record that did get through twice counts once downstream.
 */
function unavailable(error: unknown, stream: string, log: FastifyBaseLogger): unknown {
  if (!(error instanceof StreamError)) return error;
  log.error({ err: error, code: error.code }, 'publishing failed');
  const retry = 'send the batch again later';
  if (error.code === 'PUBLISH_FAILED')
    return new ServerError(
      'STREAM_UNAVAILABLE',
      `the event stream ${stream} did not acknowledge every message of the batch, which is not published (some of its records may be): ${retry}; a record published twice counts once`,
    );
  return new ServerError(
    'STREAM_UNAVAILABLE',
    error.code === 'UNREACHABLE'
      ? `the event stream ${stream} (NATS) does not answer; nothing of the batch was published: ${retry}`
      : `the event stream ${stream} cannot take the batch (${error.code}); nothing was published: the operator finds why in the server's log`,
  );
}
