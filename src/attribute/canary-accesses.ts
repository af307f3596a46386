import type { AccessEvent, TargetType } from '../domain/index.js';
import { parseTime } from '../domain/index.js';
import type { RelayAliases } from '../privacy/index.js';
import type { LeafEvent, Store } from '../store/index.js';
import type { Canary } from './canary-book.js';

/**
 * What an access could have given its employee, strongest first:
 * - `received-this-alias`: handed the very relay alias the mail arrived at;
 * - `revealed-address`: shown the canary's raw address (an approved reveal);
 * - `exported`: a bulk export of personal contact fields after the canary was planted;
 * - `received-alias`: handed a relay alias of the canary (mail to it reaches the address);
 * - `touched`: opened a canary record without seeing the address (a view, a removal, …);
 * - `tried`: asked for a canary record and was refused or left pending.
 */
export const ACCESS_KINDS = [
  'received-this-alias',
  'revealed-address',
  'exported',
  'received-alias',
  'touched',
  'tried',
] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** The kinds of access that could have put the address itself in someone's hands. */
export const COULD_LEAK: ReadonlySet<AccessKind> = new Set([
  'received-this-alias',
  'revealed-address',
  'exported',
  'received-alias',
]);

/** One access to a canary, with what it could have given. */
export interface ClassifiedAccess {
  readonly kind: AccessKind;
  readonly source: LeafEvent;
  /** For a relay-alias hand-out: the alias the employee was given (recomputed). */
  readonly alias?: string;
}

/** Export field names that carry a contact address (normalised: lower case, no separators). */
const CONTACT_FIELD = /e?mail|contact/;
const normaliseField = (f: string): string =>
  f
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_.-]/g, '');

/**
 * Every recorded access to the canary's records (any outcome), and every bulk export of
 * contact fields since it was planted, classified. `viaAlias` is the alias the mail arrived
 * at, when it arrived at one.
 */
export async function canaryAccesses(
  store: Store,
  aliases: RelayAliases,
  canary: Canary,
  viaAlias: string | undefined,
): Promise<ClassifiedAccess[]> {
  const out: ClassifiedAccess[] = [];
  const byType = new Map<TargetType, Set<string>>();
  for (const r of canary.records) byType.set(r.kind, (byType.get(r.kind) ?? new Set()).add(r.id));
  for (const [type, ids] of byType) {
    for await (const source of store.attribution.eventsOn(type, ids))
      out.push(classify(source, aliases, viaAlias));
  }
  const since = parseTime(canary.plantedAt) ?? 0;
  for await (const source of store.guard.eventsOf('data.export', 'allowed')) {
    if ((parseTime(source.event.time) ?? 0) >= since && exportsContacts(source.event))
      out.push({ kind: 'exported', source });
  }
  return out.sort((a, b) => a.source.leaf - b.source.leaf);
}

/** What one access could have given (see `ACCESS_KINDS`). */
export function classify(
  source: LeafEvent,
  aliases: RelayAliases,
  viaAlias: string | undefined,
): ClassifiedAccess {
  const e = source.event;
  if ((e.outcome ?? 'allowed') !== 'allowed') return { kind: 'tried', source };
  if (e.action === 'x-reviewer.contact.reveal') return { kind: 'revealed-address', source };
  // another system's contact look-up (no guard decision) showed what it shows: the address
  if (e.action === 'reviewer.contact.view' && e.attrs?.['decision'] === undefined)
    return { kind: 'revealed-address', source };
  if (e.action === 'reviewer.contact.view') {
    const alias = aliases.aliasFor(e.actor, e.target.id);
    // relay aliases are told apart by their local part (the relay's domain may be spelt differently)
    const same = viaAlias !== undefined && alias.split('@')[0] === viaAlias.split('@')[0];
    const kind = same ? 'received-this-alias' : 'received-alias';
    return { kind, source, alias };
  }
  return { kind: 'touched', source };
}

function exportsContacts(e: AccessEvent): boolean {
  const fields = e.attrs?.['fields'];
  return (
    Array.isArray(fields) &&
    fields.some((f) => typeof f === 'string' && CONTACT_FIELD.test(normaliseField(f)))
  );
}
