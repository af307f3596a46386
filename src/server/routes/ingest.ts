import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { importSource, type ImportReport } from '../../ingest/index.js';
import type { RouteContext } from '../route-context.js';
import { Prefetch, boundedChunks, type Bound, type BodyHead } from '../body.js';
import { ServerError } from '../errors.js';
import { publishBody, publishReportShape } from './ingest-publish.js';

/** Interchange bodies: NDJSON, gzipped or not (gzip is recognised by its magic bytes). */
export const INGEST_TYPES = [
  'application/x-ndjson',
  'application/gzip',
  'application/octet-stream',
];

const ingestQuery = z.object({
  skipInvalid: z
    .enum(['true', 'false'])
    .default('false')
    .describe(
      'land the valid records and report the invalid lines (as warden ingest --skip-invalid)',
    ),
});

/**
 * `POST /v1/ingest`: one body is one atomic batch, imported by the same `importSource` as
 * `warden ingest`: its first `PREFETCH_BODY` bytes read before the batch queues for the write
 * lock, the rest (if any) streamed from the socket under the transaction (never held whole).
 * Refused whole with the same codes and issues when any line is invalid, unless
 * `skipInvalid=true`. In publish mode
 * (`deps.publisher`) the batch, validated by the same rules, goes to the event stream instead
 * (`publishBody`), and the route's answer is described as that report.
 */
export function registerIngestRoutes(app: FastifyInstance, ctx: RouteContext): void {
  // the body stays a stream: its head is read ahead (`Prefetch`), the importer reads the lines
  app.addContentTypeParser(INGEST_TYPES, (_request, payload, done) => done(null, payload));
  const publisher = ctx.deps.publisher;
  const prefetch = new Prefetch(PREFETCH_BODY, PREFETCH_TOTAL);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/ingest',
    {
      config: { scope: 'ingest' },
      schema: {
        summary: publisher
          ? 'publish one interchange batch (NDJSON, optionally gzip) to the event stream'
          : 'import one interchange batch (NDJSON, optionally gzip)',
        tags: ['ingest'],
        querystring: ingestQuery,
        consumes: INGEST_TYPES,
        ...(publisher ? { response: { 200: publishReportShape } } : {}),
      },
    },
    async (request) => {
      const body = request.body as Readable | undefined;
      if (body === undefined || typeof (body as Partial<Readable>).pipe !== 'function') {
        throw new ServerError(
          'UNSUPPORTED_MEDIA_TYPE',
          `send the batch as one of: ${INGEST_TYPES.join(', ')}`,
        );
      }
      const skipInvalid = request.query.skipInvalid === 'true';
      if (publisher)
        return publishBody(ctx, publisher, body, `http:${request.id}`, skipInvalid, request.log);
      // the body's head is read before the batch queues for the write lock, so that batches
      // arrive while another is written instead of one after another under the lock
      const head = await prefetch.read(body, ctx.limits.ingestBody);
      try {
        if (head.bytes > ctx.limits.ingestBody) throw tooLarge(ctx.limits.ingestBody);
        const report = await ctx.writes.run(() =>
          importBody(ctx, head, `http:${request.id}`, skipInvalid),
        );
        const { rejectsFile: _file, ...rest } = report;
        return rest;
      } finally {
        head.release();
        body.resume(); // drain what a refused batch left unread, so the answer can be sent
      }
    },
  );
}

/**
 * Bytes of an ingest body read before its batch takes the write queue, per body and for all
 * the bodies waiting: a batch of a few thousand events is read whole; a longer one streams the
 * rest under its transaction; memory holds at most `PREFETCH_TOTAL` of bodies read ahead.
 */
export const PREFETCH_BODY = 8 * 1024 * 1024;
export const PREFETCH_TOTAL = 64 * 1024 * 1024;

const tooLarge = (limit: number): ServerError =>
  new ServerError(
    'PAYLOAD_TOO_LARGE',
    `the batch is over ${limit} bytes (sent or inflated); nothing was imported`,
  );

let dir: string | undefined;

/** A private folder for this process's rejects files (each removed after its request). */
function rejectsDir(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'warden-ingest-'));
  return dir;
}

async function importBody(
  ctx: RouteContext,
  body: BodyHead,
  name: string,
  skipInvalid: boolean,
): Promise<ImportReport> {
  const { deps, limits } = ctx;
  const bound: Bound = { over: false };
  // the importer writes every refused line to a rejects file; over HTTP they are in the
  // answer, so the file is private to this request and removed after it
  const rejectsPath = join(rejectsDir(), `${name.replace(/[^A-Za-z0-9-]/g, '_')}.ndjson`);
  try {
    return await importSource(
      deps.store,
      deps.ledger,
      deps.vault,
      { name, open: () => boundedChunks(body.chunks(), limits.ingestBody, bound) },
      {
        skipInvalid,
        now: deps.now,
        personalData: deps.personalData,
        rejectsPath,
      },
    );
  } catch (error) {
    if (bound.over) throw tooLarge(limits.ingestBody);
    throw error;
  } finally {
    rmSync(rejectsPath, { force: true });
  }
}
