import { WardenError } from '../domain/index.js';

/**
 * | code | status | meaning |
 * |---|---|---|
 * | `UNAUTHENTICATED` | 401 | no credential, or a token or JWT that does not prove an active employee |
 * | `FORBIDDEN` | 403 | the caller's directory role holds no grant for the route (default deny) |
 * | `NOT_FOUND` | 404 | no such route, or no such record |
 * | `BAD_REQUEST` | 400 | a parameter, query or body field fails its schema (the message names it) |
 * | `INVALID_BODY` | 400 | the body is not the JSON or NDJSON it claims to be, or nests too deep |
 * | `PAYLOAD_TOO_LARGE` | 413 | the body (or, gzipped, what it inflates to) is over the limit |
 * | `UNSUPPORTED_MEDIA_TYPE` | 415 | a content type the route does not take |
 * | `RATE_LIMITED` | 429 | the caller sent more requests than the per-caller limit allows |
 * | `CURSOR_STALE` | 409 | the list changed since the cursor was handed out: start again |
 * | `ACCESS_INVALID` | — | the org profile's `api` section is malformed (at start-up) |
 * | `JWT_CONFIG_INVALID` | — | the JWT issuer key or issuer is missing or malformed (at start-up) |
 * | `SHUTTING_DOWN` | 503 | the server is finishing in-flight requests and takes no new batch |
 * | `STREAM_UNAVAILABLE` | 503 | publish mode: the event stream did not take the batch (send it again later) |
 * | `INTERNAL` | 500 | an unexpected failure (logged with the request id; no detail is sent) |
 */
export type ServerErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'INVALID_BODY'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'CURSOR_STALE'
  | 'ACCESS_INVALID'
  | 'JWT_CONFIG_INVALID'
  | 'SHUTTING_DOWN'
  | 'STREAM_UNAVAILABLE'
  | 'INTERNAL';

const DENIED: readonly ServerErrorCode[] = ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED'];

/** A failure of the HTTP edge: authentication, authorisation, a malformed request. */
export class ServerError extends WardenError<ServerErrorCode> {
  readonly category = DENIED.includes(this.code)
    ? ('denied' as const)
    : this.code === 'INTERNAL' ||
        this.code === 'SHUTTING_DOWN' ||
        this.code === 'STREAM_UNAVAILABLE'
      ? ('infrastructure' as const)
      : ('input' as const);
}
