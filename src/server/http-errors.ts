import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { WardenError } from '../domain/index.js';
import { InputError } from '../ingest/index.js';
import { ServerError, type ServerErrorCode } from './errors.js';

/** The one error body: `{ "error": { "code", "message" } }`, plus a refused batch's issues. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly rejected?: number;
    readonly rejectedByCode?: Readonly<Record<string, number>>;
    readonly issues?: readonly object[];
  };
}

const STATUS: Readonly<Record<ServerErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  INVALID_BODY: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  CURSOR_STALE: 409,
  ACCESS_INVALID: 500,
  JWT_CONFIG_INVALID: 500,
  SHUTTING_DOWN: 503,
  STREAM_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Fastify's own failures, named as ours. */
const FASTIFY: Readonly<Record<string, ServerErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_BODY',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_BODY',
  FST_ERR_VALIDATION: 'BAD_REQUEST',
};

/** The HTTP status and body of any error a route or hook throws. */
export function toHttp(error: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (error instanceof ServerError) return shaped(STATUS[error.code], error.code, error.message);
  if (error instanceof InputError) {
    const r = error.rejections;
    const body = shaped(400, error.code, error.message).body;
    const issues = error.issues.slice(0, 50).map((i) => ({ ...i }));
    return {
      status: 400,
      body: {
        error: {
          ...body.error,
          ...(issues.length > 0 ? { issues } : {}),
          ...(r ? { rejected: r.rejected, rejectedByCode: { ...r.byCode } } : {}),
        },
      },
    };
  }
  if (error instanceof WardenError) {
    const known = error as WardenError<string>;
    return shaped(statusOf(known), known.code, known.message);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    const first = error.validation[0];
    const field = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(whole)';
    return shaped(400, 'BAD_REQUEST', `${where} ${field}: ${first?.message ?? 'invalid'}`);
  }
  const fe = error as Partial<FastifyError>;
  const code = fe.code === undefined ? undefined : FASTIFY[fe.code];
  if (code !== undefined) return shaped(STATUS[code], code, fe.message ?? code);
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    return shaped(400, 'INVALID_BODY', fe.message ?? 'the request is malformed');
  }
  return shaped(500, 'INTERNAL', `an unexpected failure; quote request id ${requestId}`);
}

/** Other contexts' codes for a record that does not exist. */
const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'UNKNOWN_APPROVAL',
  'CASE_NOT_FOUND',
  'ALERT_NOT_FOUND',
  'NOT_A_CANARY',
]);

function statusOf(error: WardenError): number {
  if (error.code === 'UNAUTHENTICATED') return 401;
  if (NOT_FOUND_CODES.has(error.code)) return 404;
  switch (error.category) {
    case 'input':
      return 400;
    case 'denied':
      return 403;
    case 'integrity':
      return 500;
    default:
      return 503;
  }
}

function shaped(
  status: number,
  code: string,
  message: string,
): { status: number; body: ErrorBody } {
  return { status, body: { error: { code, message } } };
}

/** Installs the one error handler and the not-found handler. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toHttp(error, request.id);
    // the message may name records; the log keeps the code, and the stack of a 500
    if (status >= 500) request.log.error({ err: error, code: body.error.code }, 'request failed');
    else request.log.info({ code: body.error.code }, 'request refused');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = toHttp(
      new ServerError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`),
      request.id,
    );
    return reply.code(status).send(body);
  });
}
