import { randomBytes } from 'node:crypto';
import {
  DirectoryCheckpointSink,
  FileCheckpointSink,
  HttpCheckpointSink,
  Ledger,
  generateSignerKey,
  type CheckpointSink,
} from '../ledger/index.js';
import { RelayAliases, Vault, loadMasterKey, readOrCreateKeyFile } from '../privacy/index.js';
import { SqliteStore, type Store } from '../store/index.js';
import { formatTime } from '../domain/index.js';
import { CompiledPolicies, Decider, Guard } from '../guard/index.js';
import {
  keyFile,
  resolveCheckpointTargets,
  resolveDbPath,
  resolveKeyDir,
  resolvePolicyDir,
  resolveRelayDomain,
} from './paths.js';

/** Everything a command needs, wired in one place. */
export interface Wired {
  readonly dbPath: string;
  readonly keyDir: string;
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
    const ledger = await Ledger.open(store, signerKey, { sinks: checkpointSinks(keyDir) });
    const vault = new Vault(masterKey, store.dataKeys);
    return {
      dbPath,
      keyDir,
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

/**
 * Every checkpoint also goes to `<keydir>/checkpoints.log`, and to `WARDEN_CHECKPOINT_DIR`
 * and `WARDEN_CHECKPOINT_URL` when they are set.
 */
export function checkpointSinks(keyDir: string): CheckpointSink[] {
  const { dir, url } = resolveCheckpointTargets();
  return [
    new FileCheckpointSink(keyFile(keyDir, 'checkpoints.log')),
    ...(dir === undefined ? [] : [new DirectoryCheckpointSink(dir)]),
    ...(url === undefined ? [] : [new HttpCheckpointSink(url)]),
  ];
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

/** The guard over the wired database, with the policies of `--policies` (or the default set). */
export function openGuard(w: Wired, policiesFlag: string | undefined): Guard {
  const decider = new Decider(CompiledPolicies.fromDir(resolvePolicyDir(policiesFlag)));
  return new Guard({ ...w, decider });
}
