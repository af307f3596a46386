import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { prepareExport } from '../../attribute/index.js';
import type { Caller } from '../caller.js';
import type { RouteContext } from '../route-context.js';
import { guardResultShape } from '../schemas.js';
import { answer } from './guard.js';

/** Figures are a table of text: at most this many characters. */
const MAX_FIGURES = 8 * 1024 * 1024;
const id = z.string().min(1).max(200);

const exportBody = z.strictObject({
  sellerId: id.describe('the seller whose figures these are (every row)'),
  figures: z
    .string()
    .min(1)
    .max(MAX_FIGURES)
    .describe('the figures to hand out: CSV with seller, period and figure columns'),
  name: z.string().min(1).max(200).default('figures.csv').describe("the table's file name"),
  ticketId: id.optional().describe('the ticket cited as the purpose'),
  reason: z.string().min(1).max(500).optional(),
  approvalId: id.optional().describe('carry out an export a second person approved'),
});

/**
 * `POST /v1/exports`: `warden request seller.metrics.export SELLER --figures FILE` over HTTP.
 * The figures are fingerprinted for the caller (their copy differs from anyone else's in the
 * last unit of some figures), the guard decides on them as they are (their rows and fields,
 * `seller.metrics.export`), and only when it allows is the copy handed out, in
 * `data.export.csv`; the request's event records the export so that a leaked copy traces back
 * to its recipient (`POST /v1/attribution/exports`). Pending: 202, as any request.
 */
export function registerExportRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/exports',
    {
      config: { scope: 'guard' },
      bodyLimit: MAX_FIGURES * 2,
      schema: {
        summary: 'ask the guard for a fingerprinted export of figures, made for the caller',
        tags: ['guard'],
        body: exportBody,
        response: { 200: guardResultShape, 202: guardResultShape },
      },
    },
    async (request, reply) => {
      const who = request.caller as Caller;
      const b = request.body;
      const prepared = prepareExport(
        ctx.deps.exportKey(),
        b.figures,
        b.name,
        who.employeeId,
        b.sellerId,
      );
      const result = await ctx.writes.run(() =>
        ctx.deps.guard.request({
          employeeId: who.employeeId,
          identity: who.identity,
          action: 'seller.metrics.export',
          targetId: b.sellerId,
          rows: prepared.rows,
          fields: [...prepared.fields],
          exportRecord: prepared.record,
          ...(b.ticketId === undefined ? {} : { ticketId: b.ticketId }),
          ...(b.reason === undefined ? {} : { reason: b.reason }),
          ...(b.approvalId === undefined ? {} : { approvalId: b.approvalId }),
        }),
      );
      if (result.outcome !== 'allow') return answer(result, reply);
      const { record } = prepared;
      const handed = { id: record.id, marked: record.marked, sha256: record.sha256 };
      return answer(
        { ...result, data: { ...result.data, export: { ...handed, csv: prepared.csv } } },
        reply,
      );
    },
  );
}
