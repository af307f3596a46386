import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { traceEmails } from '../../attribute/index.js';
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
 * `POST /v1/attribution/emails`: `warden trace emails` over HTTP — a leaked list of addresses
 * as the body; each relay alias back to the employee who received it, each plain address to
 * its reviewer and who was shown it, every cited access with its inclusion proof. It reads
 * only (as the command does), through the one write queue, since the vault and the relay's
 * keys sit beside the writing connection.
 */
export function registerAttributionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.withTypeProvider<ZodTypeProvider>().post(
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
}
