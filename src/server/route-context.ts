import type { Limits, ServerDeps } from './deps.js';
import type { Serial } from './serial.js';

/** What the routes share: the dependencies, the write queue, the limits. */
export interface RouteContext {
  readonly deps: ServerDeps;
  readonly writes: Serial;
  readonly limits: Limits;
}
