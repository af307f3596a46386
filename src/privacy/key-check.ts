import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/index.js';
import { PrivacyError } from './errors.js';
import { Vault } from './vault.js';

/** `meta` names of the check values (docs/operations.md). */
export const MASTER_KEY_CHECK = 'key.master.check';
export const LEDGER_VERIFIER_KEY = 'key.ledger.verifier';

/** HMAC-SHA256(masterKey, "warden key check v1"): tells the key apart without revealing it. */
export function masterKeyCheck(masterKey: Buffer): string {
  return createHmac('sha256', masterKey).update('warden key check v1').digest('hex');
}

export interface KeysInUse {
  /** The database file, for messages. */
  readonly database: string;
  readonly masterKey: Buffer;
  /** Where the master key came from: `WARDEN_KEY` or its file. */
  readonly masterKeyFrom: string;
  /** The ledger's verifier key (public), derived from the signer key in `ledgerKeyFrom`. */
  readonly verifierKey: string;
  readonly ledgerKeyFrom: string;
  /** Does the ledger key sign this checkpoint note? (for a database made before check values) */
  readonly signsCheckpoint: (note: string) => boolean;
}

/**
 * Holds the keys to the database's record of them, before anything is written with them: a
 * wrong master key (`WARDEN_KEY`) or a swapped `ledger.key` is `KEY_MISMATCH`. A database made
 * before check values existed is checked against what it holds (a stored data key must open,
 * the latest checkpoint must be signed by the ledger key), then gets its check values recorded.
 */
export async function checkKeys(store: Store, keys: KeysInUse): Promise<void> {
  const check = masterKeyCheck(keys.masterKey);
  const storedCheck = await store.meta.get(MASTER_KEY_CHECK);
  const masterFits =
    storedCheck === undefined
      ? new Vault(keys.masterKey, store.dataKeys).opensStoredKeys() !== false
      : sameText(storedCheck, check);
  if (!masterFits) {
    throw mismatch(keys.masterKeyFrom, 'master key', keys.database, 'WARDEN_KEY or master.key');
  }
  const storedVerifier = await store.meta.get(LEDGER_VERIFIER_KEY);
  const latest = await store.ledger.latestCheckpoint();
  const ledgerFits =
    storedVerifier === undefined
      ? latest === undefined || keys.signsCheckpoint(latest.note)
      : storedVerifier === keys.verifierKey;
  if (!ledgerFits) throw mismatch(keys.ledgerKeyFrom, 'ledger key', keys.database, 'ledger.key');
  await store.meta.recordIfAbsent({
    [MASTER_KEY_CHECK]: check,
    [LEDGER_VERIFIER_KEY]: keys.verifierKey,
  });
}

function sameText(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function mismatch(from: string, what: string, database: string, fix: string): PrivacyError {
  return new PrivacyError(
    'KEY_MISMATCH',
    `${from} is not the ${what} ${database} was made with: nothing was written. Use the ` +
      `database's own key (check ${fix}, or WARDEN_KEY_DIR); restore it from backup if it is lost.`,
  );
}
