import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decideAppeal, fileAppeal } from '../../cases/index.js';
import type { Caller } from '../caller.js';
import { page, pageQuery } from '../pages.js';
import type { RouteContext } from '../route-context.js';
import { appealShape, pageOf } from '../schemas.js';

const id = z.string().min(1).max(200);
const fileBody = z.strictObject({
  measureEvent: id.describe('the x-case.enforce event that carried the measure out'),
  appellant: id.describe("the measure's subject (a seller, or an employee) appealing"),
  grounds: z.string().min(1).max(4000).describe('what the appellant says (ledgered)'),
});
const decideBody = z.strictObject({
  outcome: z.enum(['upheld', 'overturned']),
  decision: z.string().min(1).max(4000).describe('the reasons for the decision (ledgered)'),
});
const decided = z.object({
  appeal: appealShape,
  reversal: z
    .string()
    .optional()
    .describe(
      'overturned: the measure that reverses it, taken through POST /v1/cases/{id}/actions',
    ),
});

/**
 * Appeals against measures, as `warden appeal file|decide`: the cases context's own functions,
 * acting as the employee the credential proves, each step an `x-appeal.*` event written with
 * its state in one transaction. Whoever took or approved the measure, and any subject of its
 * case, may not decide its appeal (`NOT_PERMITTED`); an overturned measure names its
 * reversal, which goes through the guard and a second person like any measure.
 */
export function registerAppealRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'cases' as const };
  const tags = ['cases'];
  r.get(
    '/appeals',
    {
      config,
      schema: {
        summary: 'appeals against measures, newest first',
        tags,
        querystring: pageQuery,
        response: { 200: pageOf(appealShape) },
      },
    },
    async (request) => {
      const size = (await ctx.deps.reader.ledger()).size;
      return page(await ctx.deps.reader.store.cases.appeals(), request.query, String(size));
    },
  );
  r.post(
    '/appeals',
    {
      config,
      schema: {
        summary: "record a subject's appeal against a measure carried out (ledgered)",
        tags,
        body: fileBody,
        response: { 201: appealShape },
      },
    },
    async (request, reply) => {
      const who = request.caller as Caller;
      const filed = await ctx.writes.run(() =>
        fileAppeal(ctx.deps.cases, { ...request.body, actor: who.employeeId }),
      );
      return reply.code(201).send(filed);
    },
  );
  r.post(
    '/appeals/:id/decide',
    {
      config,
      schema: {
        summary:
          'decide an appeal: upheld or overturned, never by who took or approved the measure',
        tags,
        params: z.object({ id }),
        body: decideBody,
        response: { 200: decided },
      },
    },
    async (request) => {
      const who = request.caller as Caller;
      return ctx.writes.run(() =>
        decideAppeal(ctx.deps.cases, {
          appealId: request.params.id,
          actor: who.employeeId,
          ...request.body,
        }),
      );
    },
  );
}
