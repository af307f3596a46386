import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SEVERITIES } from '../../domain/index.js';
import type { RouteContext } from '../route-context.js';
import { ServerError } from '../errors.js';
import { page, pageQuery } from '../pages.js';
import { ringView } from '../ring-view.js';
import { queueOf, QUEUE_STATES, type QueueState } from '../alert-queue.js';
import { pageOf, queuedAlertShape, riskShape } from '../schemas.js';

const STATE = `(${QUEUE_STATES.join('|')})`;
const alertsQuery = pageQuery.extend({
  severity: z.enum(SEVERITIES).default('low').describe('this severity and above'),
  triage: z
    .string()
    .max(100)
    .regex(new RegExp(`^${STATE}(,${STATE})*$`))
    .optional()
    .describe(`only alerts in these triage states, comma-separated: ${QUEUE_STATES.join(', ')}`),
});
const employeeParams = z.object({ id: z.string().min(1).max(200) });

/**
 * Risk, alerts, sellers, rings and explanations: what `warden risk|alerts|sellers|explain
 * --json` print, from the same detection (brought up to the ledger's end first). Detection
 * keeps its findings in the store, so the port runs it in the write queue, a slice at a time.
 */
export function registerFindingsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const port = ctx.deps.findings;
  const opts = (summary: string) => ({
    config: { scope: 'findings' as const },
    schema: { summary, tags: ['findings'], querystring: pageQuery },
  });
  r.get(
    '/risk',
    {
      config: { scope: 'findings' },
      schema: {
        summary: 'employees with a risk score, highest first',
        tags: ['findings'],
        querystring: pageQuery,
        response: { 200: pageOf(riskShape) },
      },
    },
    async (request) => {
      const f = await port.findings();
      return page(f.findings.risk, request.query, String(f.ledgerSize));
    },
  );
  r.get(
    '/alerts',
    {
      config: { scope: 'findings' },
      schema: {
        summary: 'alerts in event-time order, each with its triage state',
        tags: ['findings'],
        querystring: alertsQuery,
        response: { 200: pageOf(queuedAlertShape) },
      },
    },
    async (request) => {
      const { severity, triage } = request.query;
      const a = await port.alerts(severity);
      const states = triage === undefined ? undefined : new Set(triage.split(',') as QueueState[]);
      // committed triage steps, read beside the findings (a step is a leaf: it moves the version)
      const queue = queueOf(a.alerts, await ctx.deps.reader.store.cases.triages(), states);
      return page(queue, request.query, `${a.ledgerSize}${triage ? `:${triage}` : ''}`);
    },
  );
  r.get(
    '/sellers',
    opts('sellers by what employees gave them without purpose'),
    async (request) => {
      const s = await port.sellers();
      return page(s.sellers, request.query, String(s.ledgerSize));
    },
  );
  r.get(
    '/rings',
    opts('collusion rings: employees and the sellers they favour'),
    async (request) => {
      const s = await port.rings();
      return page(s.rings.map(ringView), request.query, String(s.ledgerSize));
    },
  );
  r.get(
    '/employees/:id/explain',
    {
      config: { scope: 'findings' },
      schema: {
        summary: "an employee's reasons, alerts, cited events and baselines",
        tags: ['findings'],
        params: employeeParams,
      },
    },
    async (request) => {
      const out = await port.explain(request.params.id);
      if (out === undefined)
        throw new ServerError('NOT_FOUND', `no employee ${request.params.id} in the directory`);
      return out;
    },
  );
}
