import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addNote,
  addSubject,
  approveReveal,
  caseTimeline,
  lookAtCase,
  openCase,
  requestReveal,
} from '../../cases/index.js';
import type { Caller } from '../caller.js';
import { page, pageQuery } from '../pages.js';
import type { RouteContext } from '../route-context.js';
import { caseShape, caseViewShape, pageOf, timelineShape } from '../schemas.js';

const id = z.string().min(1).max(200);
const caseParams = z.object({ id });
const done = z.object({ caseId: z.string(), ok: z.literal(true) });

/**
 * Cases, as `warden case list|open|show|note|add|reveal|approve-reveal|timeline`: the cases
 * context's own functions, acting as the employee the credential proves. Reading a case is a
 * ledgered look (`x-case.view`), so it goes through the write queue like every change;
 * employees stay pseudonymous until a second person approves a reveal.
 */
export function registerCaseRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const cases = ctx.deps.cases;
  const scoped = { scope: 'cases' as const };
  const tags = ['cases'];
  r.get(
    '/cases',
    {
      config: scoped,
      schema: {
        summary: 'every case, newest first',
        tags,
        querystring: pageQuery,
        response: { 200: pageOf(caseShape) },
      },
    },
    async (request) => {
      const size = (await ctx.deps.reader.ledger()).size;
      return page(await ctx.deps.reader.store.cases.list(), request.query, String(size));
    },
  );
  r.post(
    '/cases',
    {
      config: scoped,
      schema: {
        summary: 'open a case; the opener is its first assignee',
        tags,
        body: z.strictObject({ title: z.string().min(1).max(200) }),
        response: { 201: caseShape },
      },
    },
    async (request, reply) => {
      const who = request.caller as Caller;
      const opened = await ctx.writes.run(() =>
        openCase(cases, who.employeeId, request.body.title),
      );
      return reply.code(201).send(opened);
    },
  );
  r.get(
    '/cases/:id',
    {
      config: scoped,
      schema: {
        summary:
          'a case: subjects (pseudonymous until revealed), alerts, notes; the look is ledgered',
        tags,
        params: caseParams,
        response: { 200: caseViewShape },
      },
    },
    async (request) => {
      const who = request.caller as Caller;
      const { view } = await ctx.writes.run(() =>
        lookAtCase(cases, request.params.id, who.employeeId, 'view'),
      );
      return view;
    },
  );
  r.get(
    '/cases/:id/timeline',
    {
      config: scoped,
      schema: {
        summary: "every event of the case's subjects, each with its RFC 9162 inclusion proof",
        tags,
        params: caseParams,
        response: { 200: timelineShape },
      },
    },
    async (request) => {
      const who = request.caller as Caller;
      const { raw: _raw, ...timeline } = await ctx.writes.run(() =>
        caseTimeline(cases, request.params.id, who.employeeId),
      );
      return timeline;
    },
  );
  const step = <B extends z.ZodType>(
    path: string,
    summary: string,
    body: B | undefined,
    act: (caseId: string, actor: string, body: z.infer<B>) => Promise<unknown>,
  ): void => {
    const schema = { summary, tags, params: caseParams, response: { 200: done } };
    r.post(
      `/cases/:id/${path}`,
      {
        config: scoped,
        schema: body === undefined ? schema : { ...schema, body },
      },
      async (request) => {
        const who = request.caller as Caller;
        const caseId = request.params.id;
        await ctx.writes.run(() => act(caseId, who.employeeId, request.body as z.infer<B>));
        return { caseId, ok: true as const };
      },
    );
  };
  step(
    'notes',
    'add a note (ledgered)',
    z.strictObject({ text: z.string().min(1).max(4000) }),
    (caseId, actor, b) => addNote(cases, caseId, actor, b.text),
  );
  step(
    'subjects',
    'add a subject: an employee, seller or reviewer of the directory',
    z.strictObject({ kind: z.enum(['employee', 'seller', 'reviewer']), ref: id }),
    (caseId, actor, b) => addSubject(cases, caseId, actor, b.kind, b.ref),
  );
  step(
    'reveal',
    "ask that the case's employees be named (a second person approves)",
    z.strictObject({ reason: z.string().min(1).max(500) }),
    (caseId, actor, b) => requestReveal(cases, caseId, actor, b.reason),
  );
  step(
    'reveal/approve',
    'approve a reveal as the second person: never the asker, a subject or a leaver',
    undefined,
    (caseId, actor) => approveReveal(cases, caseId, actor),
  );
}
