import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reportCanary, traceEmails, traceTable } from '../../attribute/index.js';
import type { RouteContext } from '../route-context.js';

/** A leaked list is text (CSV, a paste of addresses or mail headers): at most this many bytes. */
const MAX_LEAK = 32 * 1024 * 1024;
const LEAK_TYPES = ['text/plain', 'text/csv'];

const traceQuery = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .default('upload')
    .describe("the leaked file's name, quoted in the report's line references"),
});

/**
 * Leak attribution over HTTP. `POST /v1/attribution/emails`: `warden trace emails` — a leaked list of addresses
 * as the body; each relay alias back to the employee who received it, each plain address to
 * its reviewer and who was shown it, every cited access with its inclusion proof. It reads
 * only (as the command does), through the one write queue, since the vault and the relay's
 * keys sit beside the writing connection. `POST /v1/attribution/exports`: `warden trace
 * export`, a leaked table traced to the recipients of fingerprinted exports.
 * `GET /v1/attribution/canaries/{address}`: `warden canary report`.
 */
export function registerAttributionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/attribution/emails',
    {
      config: { scope: 'attribution' },
      bodyLimit: MAX_LEAK,
      schema: {
        summary: 'trace a leaked list of e-mail addresses to the employees it leads to',
        tags: ['attribution'],
        consumes: LEAK_TYPES,
        querystring: traceQuery,
        body: z.string().max(MAX_LEAK).describe('the leaked list: CSV, text or mail headers'),
      },
    },
    async (request) => {
      const bytes = Buffer.from(request.body, 'utf8');
      const { attribution } = ctx.deps;
      return ctx.writes.run(() => traceEmails(attribution, bytes, request.query.name));
    },
  );
  r.post(
    '/attribution/exports',
    {
      config: { scope: 'attribution' },
      bodyLimit: MAX_LEAK,
      schema: {
        summary:
          'trace a leaked table of figures to the recipients of fingerprinted exports, with scores and the false-accusation bound',
        tags: ['attribution'],
        consumes: LEAK_TYPES,
        querystring: traceQuery,
        body: z.string().max(MAX_LEAK).describe('the leaked table (CSV: seller, period, figures)'),
      },
    },
    async (request) => {
      // the export records are ledgered events: the read side's committed ones suffice
      const name = request.query.name;
      const t = await traceTable(ctx.deps.reader.store, ctx.deps.exportKey, request.body, name);
      const reading = t.reading && { ...t.reading, bits: t.reading.bits.length };
      return { file: name, ...t, ...(reading ? { reading } : {}) };
    },
  );
  r.get(
    '/attribution/canaries/:address',
    {
      config: { scope: 'attribution' },
      schema: {
        summary:
          'mail arrived at a canary address (or a relay alias of one): who could have leaked it, each access proved',
        tags: ['attribution'],
        params: z.object({ address: z.string().min(3).max(320) }),
      },
    },
    async (request) => {
      const { attribution } = ctx.deps;
      // the sealed canary list opens with the vault, beside the writing connection
      return ctx.writes.run(() => reportCanary(attribution, request.params.address));
    },
  );
}
