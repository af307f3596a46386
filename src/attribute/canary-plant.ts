import { recordKey } from '../domain/index.js';
import { canonicalJson, type Ledger } from '../ledger/index.js';
import { normaliseEmail, type EmailHashes, type Vault } from '../privacy/index.js';
import type { Store, StoreTransaction } from '../store/index.js';
import { readCanaries, sealCanary, type Canary } from './canary-book.js';
import { planCanaries, type CanaryVariant, type DirectoryRecord } from './canary-plan.js';
import { isHostName } from './canary-shapes.js';
import { AttributeError } from './errors.js';

/** What planting needs: the store and ledger, the vault (sealing) and the address hashes. */
export interface PlantDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly vault: Vault;
  readonly emailHashes: EmailHashes;
  readonly now: () => string;
}

/** What a plant did: the canaries planted (their descriptions) and the ledger after it. */
export interface PlantReport {
  readonly planted: readonly Canary[];
  readonly records: number;
  readonly ledgerSize: number;
}

/**
 * Plants canaries: per team or per employee, a seller, product, reviewer and review written as
 * ordinary directory versions — leaves of the ledger, the reviewer's address sealed and
 * indexed as at import — with no assignment, ticket or event that leads to them. Which records
 * they are goes only into the sealed canary list, in the same transaction, ending in a signed
 * checkpoint: all of it lands, or none.
 */
export async function plantCanaries(
  deps: PlantDeps,
  o: { per: CanaryVariant; domain: string },
): Promise<PlantReport> {
  const domain = o.domain.trim().toLowerCase();
  if (!isHostName(domain))
    throw new AttributeError(
      'CANARY_DOMAIN_INVALID',
      `--domain ${JSON.stringify(o.domain)} is not a host name (e.g. mail.example.org)`,
    );
  const now = deps.now();
  const existing = await readCanaries(deps.store, deps.vault);
  const takenAddresses = new Set(existing.canaries.map((c) => normaliseEmail(c.address)));
  const plan = await planCanaries(deps.store, { per: o.per, domain, now, takenAddresses });
  const tx = await deps.store.begin();
  try {
    // another process may have appended since the ledger was opened: pick up its head first
    if ((await deps.store.ledger.size()) !== deps.ledger.size) await deps.ledger.reload();
    for (const record of plan.records) await writeRecord(deps, tx, record);
    await tx.putCanaries(plan.canaries.map((c) => sealCanary(deps.vault, c)));
    await deps.ledger.persist(tx);
    await deps.ledger.checkpoint(tx, now);
    await tx.commit();
  } catch (error) {
    await tx.rollback();
    await deps.ledger.reload();
    throw error;
  }
  await deps.ledger.publish();
  return { planted: plan.canaries, records: plan.records.length, ledgerSize: deps.ledger.size };
}

/** One directory version, written as an import writes it (reviewer data sealed, address indexed). */
async function writeRecord(
  deps: PlantDeps,
  tx: StoreTransaction,
  record: DirectoryRecord,
): Promise<void> {
  let stored = record;
  if (record.kind === 'reviewer') {
    const r = record.body;
    await tx.putEmailHashes([{ hash: deps.emailHashes.hashOf(r.email), reviewer: r.id }]);
    stored = {
      kind: 'reviewer',
      body: {
        ...r,
        email: deps.vault.seal(r.id, 'email', r.email),
        ...(r.name === undefined ? {} : { name: deps.vault.seal(r.id, 'name', r.name) }),
      },
    };
  }
  await tx.insertDirectoryVersions([
    {
      leaf: deps.ledger.size,
      kind: stored.kind,
      key: recordKey(stored),
      payload: canonicalJson(stored.body),
    },
  ]);
  deps.ledger.appendRecord(stored);
}
