import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CaseError, acknowledge, dismiss, escalate } from '../../cases/index.js';
import type { Alert } from '../../domain/index.js';
import type { Caller } from '../caller.js';
import type { RouteContext } from '../route-context.js';

const id = z.string().min(1).max(200);
const alertParams = z.object({ id: id.describe('an alert id of the current /v1/alerts list') });
const dismissBody = z.strictObject({
  reason: z.string().min(1).max(500).describe('why it is not a concern (ledgered)'),
  until: z
    .string()
    .min(1)
    .max(40)
    .describe('RFC 3339 time the suppression ends (in the future, at most a year ahead)'),
});
const escalateBody = z.strictObject({
  caseId: id.optional().describe('an open case to add it to; absent: a new case'),
});

const triaged = z.object({
  alert: z.string(),
  state: z.enum(['acknowledged', 'escalated']),
  eventId: z.string().optional(),
  caseId: z.string().optional(),
});
const suppression = z.object({
  detector: z.string(),
  employeeId: z.string(),
  until: z.string(),
  reason: z.string(),
  by: z.string(),
  alertId: z.string(),
});

/**
 * Triage of the current findings' alerts, as `warden case ack|dismiss|escalate`: the same
 * functions of the cases context, acting as the employee the credential proves. Every step is
 * an `x-alert.*` event; nobody triages an alert that names them (`NOT_PERMITTED`).
 */
export function registerTriageRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const opts = <B extends z.ZodType>(summary: string, body: B, response: z.ZodType) => ({
    config: { scope: 'cases' as const },
    schema: { summary, tags: ['cases'], params: alertParams, body, response: { 200: response } },
  });
  const bodiless = (summary: string, response: z.ZodType) => ({
    config: { scope: 'cases' as const },
    schema: { summary, tags: ['cases'], params: alertParams, response: { 200: response } },
  });
  r.post(
    '/alerts/:id/acknowledge',
    bodiless('acknowledge an alert (ledgered)', triaged),
    async (request) => {
      const who = request.caller as Caller;
      const alert = await alertOf(ctx, request.params.id);
      const eventId = await ctx.writes.run(() =>
        acknowledge(ctx.deps.cases, who.employeeId, alert),
      );
      return { alert: request.params.id, state: 'acknowledged' as const, eventId };
    },
  );
  r.post(
    '/alerts/:id/dismiss',
    opts(
      "dismiss an alert: its detector's alerts about its employee are suppressed until `until`",
      dismissBody,
      suppression,
    ),
    async (request) => {
      const who = request.caller as Caller;
      const alert = await alertOf(ctx, request.params.id);
      return ctx.writes.run(() => dismiss(ctx.deps.cases, who.employeeId, alert, request.body));
    },
  );
  r.post(
    '/alerts/:id/escalate',
    opts('escalate an alert into a new case, or into an open one', escalateBody, triaged),
    async (request) => {
      const who = request.caller as Caller;
      const alert = await alertOf(ctx, request.params.id);
      const caseId = await ctx.writes.run(() =>
        escalate(ctx.deps.cases, who.employeeId, alert, request.body.caseId),
      );
      return { alert: request.params.id, state: 'escalated' as const, caseId };
    },
  );
}

/**
 * An alert of the current findings (as `/v1/alerts` lists them), or `ALERT_NOT_FOUND`. Found
 * outside the write queue (the findings port queues its own work); alert ids only grow.
 */
async function alertOf(ctx: RouteContext, alertId: string): Promise<Alert> {
  const { findings } = await ctx.deps.findings.findings();
  const alert = findings.alerts.find((a) => a.id === alertId);
  if (!alert) {
    throw new CaseError(
      'ALERT_NOT_FOUND',
      `no alert ${alertId} in the current findings (list them: GET /v1/alerts)`,
    );
  }
  return alert;
}
