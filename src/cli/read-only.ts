import { existsSync, readFileSync, statSync } from 'node:fs';
import { LedgerError, Ledger, parseVerifierKey, verifierKeyFromSigner } from '../ledger/index.js';
import { readExistingKeyFile, readMasterKey } from '../privacy/index.js';
import { formatTime } from '../domain/index.js';
import { UsageError } from './exit.js';
import { keyFile, resolveKeyDir } from './paths.js';
import {
  openStore,
  resolveStoreTarget,
  resolveTargetKeyDir,
  storeFault,
  targetLabel,
} from './store-target.js';
import { runWired, withDb, type Wired } from './wiring.js';

/** What a command that only reads needs: no vault, no aliases, nothing it could write with. */
export type ReadWired = Pick<Wired, 'dbPath' | 'store' | 'ledger' | 'now' | 'close'>;

const KEY_HINT =
  'a command that only reads never creates keys: set WARDEN_KEY_DIR to the folder holding the database’s keys (default: DB.keys)';

/**
 * Wires a command that only reads (`stats`, `ledger prove|consistency|export-checkpoint`):
 * the database opened read-only, never created or migrated; the ledger key read from the key
 * folder, never created. A missing database or key is an input error (exit 2) naming the path.
 */
export async function wireReadOnly(dbFlag: string | undefined): Promise<ReadWired> {
  const target = resolveStoreTarget(dbFlag);
  const dbPath = targetLabel(target);
  const keyDir = resolveTargetKeyDir(target);
  const store = await openStore(target, { readonly: true });
  try {
    const signerKey = readLedgerKey(keyDir);
    const ledger = await Ledger.open(store, signerKey, { hashing: 'inline' });
    return {
      dbPath,
      store,
      ledger,
      now: () => formatTime(Date.now()),
      close: async () => {
        await ledger.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw storeFault(error, dbPath) ?? error;
  }
}

/** Runs a read-only command against the database, closing it whatever happens. */
export async function withReadOnlyDb(
  db: string | undefined,
  run: (w: ReadWired) => Promise<number>,
): Promise<number> {
  return runWired(await wireReadOnly(db), run);
}

/**
 * For `risk`, `alerts` and `explain`: they read, and keep the findings they compute as a
 * cache in the database (how is the detection's business), so the database opens for
 * writing — but only a database that exists, with keys that exist: none is created.
 */
export async function withExistingDb(
  db: string | undefined,
  run: (w: Wired) => Promise<number>,
): Promise<number> {
  const target = resolveStoreTarget(db);
  const keyDir = resolveTargetKeyDir(target);
  await (await openStore(target, { readonly: true })).close(); // exists, and is a Warden database
  readLedgerKey(keyDir);
  readMasterKey(keyFile(keyDir, 'master.key'));
  return withDb(db, run);
}

/** The ledger's signer key from the key folder, never created. */
function readLedgerKey(keyDir: string): string {
  return readExistingKeyFile(keyFile(keyDir, 'ledger.key'), (text) => text.trim(), KEY_HINT);
}

/**
 * The verifier key `ledger verify` checks signatures with: `--key` as a verifier key
 * (`name+id+key`, as `warden ledger export-checkpoint` prints it), a file holding one, or a
 * key folder; else the ledger key in the database's key folder. Never writes a key.
 */
export function resolveVerifierKey(flag: string | undefined, dbPath: string): string {
  if (flag === undefined) return verifierKeyFromSigner(readLedgerKey(resolveKeyDir(dbPath)));
  if (existsSync(flag) && statSync(flag).isDirectory()) {
    return verifierKeyFromSigner(readLedgerKey(flag));
  }
  const text = existsSync(flag) ? readFileSync(flag, 'utf8').trim() : flag;
  try {
    if (text.startsWith('PRIVATE+KEY+')) return verifierKeyFromSigner(text);
    parseVerifierKey(text);
    return text;
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    const what = existsSync(flag) ? `${flag} does not hold` : `--key is no file and not`;
    throw new UsageError(
      `${what} a verifier key (name+id+key, as \`warden ledger export-checkpoint\` prints it): [${error.code}] ${error.message}`,
    );
  }
}
