import { randomBytes } from 'node:crypto';
import { Ledger, generateSignerKey } from '../ledger/index.js';
import { RelayAliases, Vault, loadMasterKey, readOrCreateKeyFile } from '../privacy/index.js';
import { SqliteStore, type Store } from '../store/index.js';
import { formatTime } from '../domain/index.js';
import { CompiledPolicies, Decider, Guard, PinnedPolicies } from '../guard/index.js';
import {
  keyFile,
  resolveDbPath,
  resolveKeyDir,
  resolvePolicyDir,
  resolveRelayDomain,
} from './paths.js';

/** Everything a command needs, wired in one place. */
export interface Wired {
  readonly dbPath: string;
  readonly store: Store;
  readonly ledger: Ledger;
  readonly vault: Vault;
  readonly aliases: RelayAliases;
  readonly now: () => string;
  close(): Promise<void>;
}

export async function wire(dbFlag: string | undefined): Promise<Wired> {
  const dbPath = resolveDbPath(dbFlag);
  const keyDir = resolveKeyDir(dbPath);
  const now = (): string => formatTime(Date.now());
  const masterKey = loadMasterKey(keyFile(keyDir, 'master.key'));
  const signerKey = readOrCreateKeyFile(
    keyFile(keyDir, 'ledger.key'),
    () => `${generateSignerKey(`warden.local/log/${randomBytes(6).toString('hex')}`)}\n`,
    (text) => text.trim(),
  );
  const store = SqliteStore.open(dbPath, { now });
  try {
    const ledger = await Ledger.open(store, signerKey);
    const vault = new Vault(masterKey, store.dataKeys);
    return {
      dbPath,
      store,
      ledger,
      vault,
      aliases: new RelayAliases(masterKey, resolveRelayDomain()),
      now,
      close: async () => {
        await ledger.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Runs a command against the wired database, closing it whatever happens. */
export async function withDb(
  db: string | undefined,
  run: (w: Wired) => Promise<number>,
): Promise<number> {
  const w = await wire(db);
  try {
    return await run(w);
  } finally {
    await w.close();
  }
}

/**
 * The guard over the wired database, deciding by the active policy set as the ledger has it
 * (on a fresh database the shipped set is installed first, ledgered). No flag or environment
 * variable chooses the policies of a guarded operation.
 */
export async function openGuard(w: Wired): Promise<Guard> {
  const pinned = new PinnedPolicies(w.store, w.ledger, w.now);
  const policies = await pinned.activeOr(() =>
    CompiledPolicies.fromDir(resolvePolicyDir(undefined, {})),
  );
  return new Guard({ ...w, decider: new Decider(policies) });
}
