// The HTTP API: Fastify over the contexts' public entries, wired by its caller.
export { buildApp } from './app.js';
export type { RouteContext } from './route-context.js';
export { ApiAccess, SCOPES, readApiSection } from './access.js';
export type { Grant, Scope } from './access.js';
export { DEFAULT_LIMITS } from './deps.js';
export type { FindingsPort, Limits, ServerDeps } from './deps.js';
export { ServerError } from './errors.js';
export type { ServerErrorCode } from './errors.js';
export { parseJwtConfig } from './jwt.js';
export type { JwtConfig } from './jwt.js';
export { ReadSide } from './read-side.js';
export { Serial } from './serial.js';
export { toHttp } from './http-errors.js';
export type { ErrorBody } from './http-errors.js';
