import { createHash } from 'node:crypto';
import type * as Zod from 'zod';
import { lazySchema } from '../domain/index.js';
import { PrivacyError, type Vault } from '../privacy/index.js';
import type { Store } from '../store/index.js';
import { AttributeError } from './errors.js';

/** The vault subject whose data key seals the canary list (one key for the whole list). */
const SUBJECT = 'warden:attribution';
const FIELD = 'canary';

const RECORD_KINDS = ['seller', 'product', 'reviewer', 'review'] as const;

/** The schema of a canary description (built on first use: `lazySchema`). */
function buildCanarySchema({ z }: typeof Zod) {
  return z.strictObject({
    per: z.enum(['team', 'employee']),
    /** The team, or the employee, whose views the canary is planted in. */
    for: z.string().min(1),
    /** The canary reviewer's address, on the operator's domain. */
    address: z.string().min(3),
    records: z.array(z.strictObject({ kind: z.enum(RECORD_KINDS), id: z.string().min(1) })).min(1),
    plantedAt: z.string(),
  });
}

const schema = lazySchema(buildCanarySchema);

/**
 * One planted canary: a seller, its product, a reviewer (with an address on the operator's
 * domain) and that reviewer's review, planted for one team or one employee. Which records are
 * canaries is known only from this description, sealed in `attribution_canaries`.
 */
export type Canary = Zod.infer<ReturnType<typeof buildCanarySchema>>;
export type CanaryRecordKind = (typeof RECORD_KINDS)[number];

/** Seals a canary description under the attribution subject's data key. */
export function sealCanary(vault: Vault, canary: Canary): string {
  return vault.seal(SUBJECT, FIELD, JSON.stringify(canary));
}

/** The sealed list as stored, and every canary in it (opened and checked). */
export interface CanaryList {
  readonly canaries: readonly Canary[];
  /** SHA-256 over the sealed rows: changes whenever the list does, tells nothing of it. */
  readonly digest: string;
}

/** Opens the sealed canary list; a row that does not open or parse is `CANARY_LIST_DAMAGED`. */
export async function readCanaries(store: Store, vault: Vault): Promise<CanaryList> {
  const sealed = await store.attribution.canaries();
  const hash = createHash('sha256');
  const canaries = sealed.map((row, i) => {
    hash.update(row).update('\n');
    return openCanary(vault, row, i + 1);
  });
  return { canaries, digest: sealed.length === 0 ? 'none' : hash.digest('hex').slice(0, 16) };
}

function openCanary(vault: Vault, row: string, n: number): Canary {
  let text: string;
  try {
    text = vault.open(SUBJECT, FIELD, row);
  } catch (cause) {
    if (!(cause instanceof PrivacyError)) throw cause;
    throw new AttributeError(
      'CANARY_LIST_DAMAGED',
      `canary ${n} of the sealed list does not open (${cause.code}): tampered, or another master key`,
      { cause },
    );
  }
  const parsed = schema().safeParse(safeJson(text));
  if (!parsed.success)
    throw new AttributeError(
      'CANARY_LIST_DAMAGED',
      `canary ${n} of the sealed list is not a canary description: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The target keys (`type:id`) detection watches: every record of every canary. */
export function canaryTargets(canaries: readonly Canary[]): string[] {
  return canaries.flatMap((c) => c.records.map((r) => `${r.kind}:${r.id}`));
}
