import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { enforce } from '../../cases/index.js';
import { MEASURES, type Enforcement } from '../../guard/index.js';
import type { Caller } from '../caller.js';
import type { RouteContext } from '../route-context.js';
import { guardResultShape } from '../schemas.js';
import { answer } from './guard.js';

const id = z.string().min(1).max(200);
const measures = Object.keys(MEASURES) as [string, ...string[]];
const actionBody = z.strictObject({
  measure: z.enum(measures),
  subject: id.describe('the seller or employee it acts on (the case id for legal.referral)'),
  reason: z.string().min(1).max(4000).describe('the facts relied on (the statement of reasons)'),
  rule: z.string().min(1).max(500).optional().describe('the rule broken'),
  amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('funds.*'),
  currency: z.string().min(3).max(3).optional().describe('funds.*: ISO 4217'),
  reviews: z.array(id).min(1).max(1000).optional().describe('reviews.*: review ids'),
  bundle: z.string().min(1).max(64).optional().describe("legal.referral: a bundle's SHA-256"),
  approvalId: id.optional().describe('carry out a measure a second person approved'),
});

/**
 * Enforcement measures under a case, as `warden action take`: through the one guard, so the
 * policies decide (`policies/enforcement.cedar`), the first ask is pending (202) for a second
 * person (`POST /v1/approvals/{id}/approve`), and the approved measure is carried out once.
 */
export function registerActionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/cases/:id/actions',
    {
      config: { scope: 'cases' },
      schema: {
        summary: 'ask for an enforcement measure under a case (four eyes, through the guard)',
        tags: ['cases'],
        params: z.object({ id }),
        body: actionBody,
        response: { 200: guardResultShape, 202: guardResultShape },
      },
    },
    async (request, reply) => {
      const who = request.caller as Caller;
      const { approvalId, reason, ...rest } = request.body;
      const result = await ctx.writes.run(() =>
        enforce(ctx.deps.cases, ctx.deps.guard, {
          caseId: request.params.id,
          actor: who.employeeId,
          identity: who.identity,
          reason,
          enforcement: enforcementOf(rest),
          ...(approvalId === undefined ? {} : { approvalId }),
        }),
      );
      return answer(result, reply);
    },
  );
}

/** The body's measure, without the fields it does not give (exact optional properties). */
function enforcementOf(b: Omit<z.infer<typeof actionBody>, 'approvalId' | 'reason'>): Enforcement {
  return {
    measure: b.measure,
    subject: b.subject,
    ...(b.rule === undefined ? {} : { rule: b.rule }),
    ...(b.amount === undefined ? {} : { amount: b.amount }),
    ...(b.currency === undefined ? {} : { currency: b.currency }),
    ...(b.reviews === undefined ? {} : { reviews: b.reviews }),
    ...(b.bundle === undefined ? {} : { bundle: b.bundle }),
  };
}
