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

/**
 * Per engine, its canaries by target type, then id: asked for every event, where a `type:id`
 * key would be a string built per event. Engines with no canary are not in it.
 */
const declared = new WeakMap<object, ReadonlyMap<string, ReadonlySet<string>>>();
/** Whether any engine of this process was ever told a canary (most never are). */
let anyDeclared = false;

/** The key of a target in a canary set: `type:id` (`seller:s-1`, `reviewer:rv-9`, …). */
export function canaryKey(type: string, id: string): string {
  return `${type}:${id}`;
}

/** Declares the canaries an engine watches (replacing any set declared before). */
export function declareCanaries(engine: object, keys: Iterable<string>): void {
  const byType = byTargetType(keys);
  if (byType.size === 0) {
    declared.delete(engine);
    return;
  }
  declared.set(engine, byType);
  anyDeclared = true;
}

/**
 * The `type:id` keys as type → ids. A key is split at each of its colons, since a type or an
 * id may hold one: a target is in the set exactly when `canaryKey(type, id)` is one of the keys.
 */
function byTargetType(keys: Iterable<string>): Map<string, Set<string>> {
  const byType = new Map<string, Set<string>>();
  for (const key of keys)
    for (let i = key.indexOf(':'); i >= 0; i = key.indexOf(':', i + 1)) {
      const type = key.slice(0, i);
      let ids = byType.get(type);
      if (ids === undefined) byType.set(type, (ids = new Set<string>()));
      ids.add(key.slice(i + 1));
    }
  return byType;
}

/** The fact an event establishes when it touches one of the engine's canaries. */
export function canaryFact(engine: object, e: AccessEvent): CertainFact | undefined {
  if (!anyDeclared) return undefined;
  const ids = declared.get(engine)?.get(e.target.type);
  if (ids === undefined || !ids.has(e.target.id)) return undefined;
  const outcome = e.outcome ?? 'allowed';
  const how = outcome === 'allowed' ? 'did' : `tried (${outcome})`;
  return {
    detector: 'canary-touched',
    indicator: 'canary-touched',
    summary: `${e.actor} ${how} ${e.action} on ${e.target.type} ${e.target.id}, a record no work leads to`,
  };
}
