/**
 * Touched canaries: records planted in the directory that no normal workflow reaches (attribution
 * plants them and tells detection which they are, as data, through the CLI's wiring). Any event
 * on one is an unambiguous fact (the certain path, `certain.ts`) — allowed, denied or pending
 * alike: nobody's work leads there, so even a refused try says someone went looking.
 *
 * The declared set is kept beside the engine, never in it: the engine's saved state (a blob in
 * the database, `snapshot.ts`) must not say which records are canaries. A restored engine is
 * told again (`declareCanaries`); the saved state's version carries a digest of the set so
 * that a changed set replays the ledger (src/cli/commands/detect-state.ts).
 */
import type { AccessEvent } from '../domain/index.js';
import type { CertainFact } from './certain.js';

const declared = new WeakMap<object, ReadonlySet<string>>();

/** The key of a target in a canary set: `type:id` (`seller:s-1`, `reviewer:rv-9`, …). */
export function canaryKey(type: string, id: string): string {
  return `${type}:${id}`;
}

/** Declares the canaries an engine watches (replacing any set declared before). */
export function declareCanaries(engine: object, keys: Iterable<string>): void {
  declared.set(engine, new Set(keys));
}

/** The fact an event establishes when it touches one of the engine's canaries. */
export function canaryFact(engine: object, e: AccessEvent): CertainFact | undefined {
  const set = declared.get(engine);
  if (set === undefined || !set.has(canaryKey(e.target.type, e.target.id))) return undefined;
  const outcome = e.outcome ?? 'allowed';
  const how = outcome === 'allowed' ? 'did' : `tried (${outcome})`;
  return {
    detector: 'canary-touched',
    indicator: 'canary-touched',
    summary: `${e.actor} ${how} ${e.action} on ${e.target.type} ${e.target.id}, a record no work leads to`,
  };
}
