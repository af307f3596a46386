import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  GUARDED_ACTIONS,
  isCaseStep,
  GuardError,
  type GuardResult,
  type Operation,
} from '../../guard/index.js';
import type { RouteContext } from '../route-context.js';
import type { Caller } from '../caller.js';
import { page, pageQuery } from '../pages.js';
import { approvalShape, guardResultShape, meShape, pageOf } from '../schemas.js';

// a policy change is made from the terminal (warden policy activate), as in the CLI; case
// steps are the cases context's (decided by Guard.decideStep), not requests
const OPERATIONS = GUARDED_ACTIONS.filter(
  (a): a is Operation => a !== 'approval.grant' && a !== 'policy.activate' && !isCaseStep(a),
) as [Operation, ...Operation[]];

const id = z.string().min(1).max(200);
const requestBody = z.strictObject({
  action: z.enum(OPERATIONS),
  targetId: id.describe('the seller, reviewer or review'),
  ticketId: id.optional().describe('the ticket cited as the purpose'),
  reason: z.string().min(1).max(500).optional(),
  rows: z.number().int().min(0).max(1_000_000_000).optional(),
  fields: z.array(z.string().min(1).max(128)).max(200).optional(),
  topic: z.string().min(1).max(500).optional(),
  approvalId: id.optional().describe('carry out a request a second person approved'),
});
const approvalParams = z.object({ id });
const approvalsQuery = pageQuery.extend({
  status: z.enum(['pending', 'approved', 'rejected', 'executed']).default('pending'),
});

/**
 * The guarded operations, through the one `Guard` the CLI uses: the caller is the employee the
 * credential proves, recorded in the request's event. Allowed: 200 with the (masked) data;
 * pending: 202 with the approval id; denied: 403 `DENIED`, naming the recorded event.
 */
export function registerGuardRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/requests',
    {
      config: { scope: 'guard' },
      schema: {
        summary: 'ask the guard for an operation',
        tags: ['guard'],
        body: requestBody,
        response: { 200: guardResultShape, 202: guardResultShape },
      },
    },
    async (request, reply) => {
      const who = request.caller as Caller;
      const b = request.body;
      const result = await ctx.writes.run(() =>
        ctx.deps.guard.request({
          employeeId: who.employeeId,
          identity: who.identity,
          action: b.action,
          targetId: b.targetId,
          ...(b.ticketId === undefined ? {} : { ticketId: b.ticketId }),
          ...(b.reason === undefined ? {} : { reason: b.reason }),
          ...(b.rows === undefined ? {} : { rows: b.rows }),
          ...(b.fields === undefined ? {} : { fields: b.fields }),
          ...(b.topic === undefined ? {} : { topic: b.topic }),
          ...(b.approvalId === undefined ? {} : { approvalId: b.approvalId }),
        }),
      );
      return answer(result, reply);
    },
  );
  for (const verdict of ['approve', 'reject'] as const) {
    r.post(
      `/approvals/:id/${verdict}`,
      {
        config: { scope: 'guard' },
        schema: {
          summary: `${verdict} a pending request as the second person`,
          tags: ['guard'],
          params: approvalParams,
          response: { 200: guardResultShape },
        },
      },
      async (request, reply) => {
        const who = request.caller as Caller;
        const { guard } = ctx.deps;
        const result = await ctx.writes.run(() =>
          verdict === 'approve'
            ? guard.approve(request.params.id, who.employeeId, who.identity)
            : guard.reject(request.params.id, who.employeeId, who.identity),
        );
        return answer(result, reply);
      },
    );
  }
  r.get(
    '/me',
    {
      config: { scope: 'authenticated' },
      schema: {
        summary: 'who the credential proves, and the scopes the directory gives',
        tags: ['guard'],
        response: { 200: meShape },
      },
    },
    (request) => {
      const who = request.caller as Caller;
      return { employeeId: who.employeeId, identity: who.identity, scopes: [...who.scopes].sort() };
    },
  );
  r.get(
    '/approvals',
    {
      config: { scope: 'approvals' },
      schema: {
        summary: 'approval requests by status',
        tags: ['guard'],
        querystring: approvalsQuery,
        response: { 200: pageOf(approvalShape) },
      },
    },
    async (request) => {
      const reader = ctx.deps.reader;
      const size = (await reader.ledger()).size;
      const list = await reader.store.guard.approvals(request.query.status);
      return page(list, request.query, String(size));
    },
  );
}

/** 200 allowed, 202 pending, 403 `DENIED` naming the recorded event. */
export function answer(result: GuardResult, reply: FastifyReply): GuardResult {
  if (result.outcome === 'deny') {
    const by = result.decision.policies.join(', ') || 'no policy permits it';
    throw new GuardError('DENIED', `denied by ${by} (recorded as event ${result.eventId})`);
  }
  void reply.code(result.outcome === 'pending' ? 202 : 200);
  return result;
}
