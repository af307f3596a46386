import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Scope } from './access.js';
import { tooDeep } from './body.js';
import { authenticate, type Caller } from './caller.js';
import { DEFAULT_LIMITS, type Limits, type ServerDeps } from './deps.js';
import { registerConsole } from './console.js';
import { ServerError } from './errors.js';
import { FailureLimiter } from './failures.js';
import { installErrorHandlers } from './http-errors.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerAppealRoutes } from './routes/appeals.js';
import { registerAttributionRoutes } from './routes/attribution.js';
import { registerCaseRoutes } from './routes/cases.js';
import { registerExportRoutes } from './routes/exports.js';
import { registerFindingsRoutes } from './routes/findings.js';
import { registerGuardRoutes } from './routes/guard.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerLedgerRoutes } from './routes/ledger.js';
import { registerTriageRoutes } from './routes/triage.js';
import type { RouteContext } from './route-context.js';
import { Serial } from './serial.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** What the route needs; a route without one refuses everyone (default deny). */
    scope?: Scope | 'authenticated';
    /** The console's static files: no credential (they hold no data). */
    public?: boolean;
  }
}

const MAX_JSON_DEPTH = 32;

/**
 * The HTTP API, wired in one place: authentication on every data route (API tokens or JWTs),
 * scopes from the directory's roles (default deny), per-caller rate limits, one error shape,
 * OpenAPI 3.1 from the routes' zod schemas at `/docs` (JSON at `/docs/json`). No CORS: a
 * console is served from the same origin.
 */
export async function buildApp(deps: ServerDeps): Promise<FastifyInstance> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const app = Fastify({
    logger: deps.logger ?? { level: 'info' },
    genReqId: () => randomUUID(),
    bodyLimit: limits.jsonBody,
    return503OnClosing: false,
    // the default request log line holds the URL, which can name employees: ours does not
    logController: new LogController({ disableRequestLogging: true }),
  });
  const writes = deps.writes ?? new Serial();
  const ctx: RouteContext = { deps, writes, limits };
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);
  installJsonParser(app);
  installLifecycle(app, ctx);
  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing',
    max: limits.perMinute,
    timeWindow: 60_000,
    keyGenerator: (r) => (r.caller ? `employee:${r.caller.employeeId}` : `ip:${r.ip}`),
    errorResponseBuilder: (_r, c) =>
      new ServerError('RATE_LIMITED', `over ${c.max} requests a minute; retry in ${c.after}`),
  });
  await registerDocs(app);
  if (deps.consoleDir !== undefined) registerConsole(app, deps.consoleDir);
  await app.register(
    (v1, _options, done) => {
      registerIngestRoutes(v1, ctx);
      registerGuardRoutes(v1, ctx);
      registerFindingsRoutes(v1, ctx);
      registerLedgerRoutes(v1, ctx);
      registerTriageRoutes(v1, ctx);
      registerCaseRoutes(v1, ctx);
      registerActionRoutes(v1, ctx);
      registerAppealRoutes(v1, ctx);
      registerAttributionRoutes(v1, ctx);
      registerExportRoutes(v1, ctx);
      done();
    },
    { prefix: '/v1' },
  );
  return app;
}

/** Refuses new requests while closing, authenticates, checks the route's scope, logs. */
function installLifecycle(app: FastifyInstance, ctx: RouteContext): void {
  let closing = false;
  const failures = new FailureLimiter(ctx.limits.authFailuresPerMinute);
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id); // what a caller quotes; the logs carry it
    if (closing)
      throw new ServerError(
        'SHUTTING_DOWN',
        'the server is shutting down; retry elsewhere or later',
      );
    if (isDocs(request) || request.routeOptions.config.public === true) return;
    failures.check(request.ip);
    try {
      request.caller = await authenticate(request, ctx.deps);
    } catch (error) {
      failures.fail(request.ip);
      throw error;
    }
    if (request.is404) return;
    const scope = request.routeOptions.config.scope;
    if (scope === 'authenticated') return;
    if (scope === undefined || !request.caller.scopes.has(scope)) {
      throw new ServerError(
        'FORBIDDEN',
        `this route needs the "${scope ?? 'none'}" scope, which the caller's directory role is not granted (the api section of the org profile)`,
      );
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    // no URL, no ids: the route's pattern, the status, the time, and the request id (bound)
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(none)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  app.addHook('onClose', async () => {
    await ctx.writes.drain();
    // after the writes: detection's state, saved after answering, is saved now
    await ctx.deps.findings
      .close?.()
      .catch((error: unknown) =>
        app.log.error({ err: error }, 'saving the detection state on close failed (a cache)'),
      );
  });
}

const isDocs = (r: FastifyRequest): boolean => r.url === '/docs' || r.url.startsWith('/docs/');

/** JSON bodies nest at most 32 deep; `__proto__` and `constructor.prototype` are refused. */
function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (tooDeep(text, MAX_JSON_DEPTH)) {
      done(
        new ServerError('INVALID_BODY', `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
      return;
    }
    void parse(request, text, done);
  });
}

async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Warden API',
        version: '1',
        description:
          'The guarded operations, ingest, findings, cases and the ledger of Warden (docs/api.md).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
