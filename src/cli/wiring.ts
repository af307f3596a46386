import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import {
  DirectoryCheckpointSink,
  FileCheckpointSink,
  HttpCheckpointSink,
  Ledger,
  generateSignerKey,
  openNote,
  parseSignerKeyName,
  signNote,
  verifierKeyFromSigner,
  type CheckpointSink,
} from '../ledger/index.js';
import {
  EmailHashes,
  CasePseudonyms,
  RelayAliases,
  Vault,
  checkKeys,
  detectorStateKey,
  loadMasterKey,
  readOrCreateKeyFile,
} from '../privacy/index.js';
import type { Store } from '../store/index.js';
import { formatTime } from '../domain/index.js';
import type { Guard } from '../guard/index.js';
import {
  openStore,
  postgresStoreExists,
  resolveStoreTarget,
  resolveTargetKeyDir,
  storeFault,
  targetLabel,
  type StoreTarget,
} from './store-target.js';
import {
  keyFile,
  resolveCheckpointTargets,
  resolveMaxPages,
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
  /** Keyed hashes of reviewer addresses (written at import, read by leak tracing). */
  readonly emailHashes: EmailHashes;
  /** Per-case pseudonyms of investigated employees (src/cases). */
  readonly pseudonyms: CasePseudonyms;
  /** Signs a note's text with the ledger's key (an evidence bundle's manifest). */
  signNote(text: string): string;
  /** The key of the saved detection state's MAC (derived from the master key). */
  readonly stateKey: Buffer;
  readonly now: () => string;
  close(): Promise<void>;
}

export async function wire(dbFlag: string | undefined): Promise<Wired> {
  const target = resolveStoreTarget(dbFlag);
  return wireTarget(target, resolveTargetKeyDir(target));
}

/** Wires a given store target with the keys of `keyDir` (a partition ledger has its own). */
export async function wireTarget(target: StoreTarget, keyDir: string): Promise<Wired> {
  const dbPath = targetLabel(target);
  const now = (): string => formatTime(Date.now());
  // keys are made only with a new database: one that exists has data under its own keys
  const create =
    target.kind === 'sqlite' ? !databaseExists(target.path) : !(await postgresStoreExists(target));
  const masterFile = keyFile(keyDir, 'master.key');
  const masterKey = loadMasterKey(masterFile, process.env, { create });
  const ledgerFile = keyFile(keyDir, 'ledger.key');
  const signerKey = readOrCreateKeyFile(
    ledgerFile,
    () => `${generateSignerKey(`warden.local/log/${randomBytes(6).toString('hex')}`)}\n`,
    parseLedgerKey,
    { create },
  );
  const maxPages = resolveMaxPages();
  const store = await openStore(target, { now, ...(maxPages ? { maxPages } : {}) });
  try {
    const verifierKey = verifierKeyFromSigner(signerKey);
    await checkKeys(store, {
      database: dbPath,
      masterKey,
      masterKeyFrom: process.env['WARDEN_KEY'] ? 'WARDEN_KEY' : masterFile,
      verifierKey,
      ledgerKeyFrom: ledgerFile,
      signsCheckpoint: (note) => signs(note, verifierKey),
    });
    const ledger = await Ledger.open(store, signerKey, { sinks: checkpointSinks(keyDir) });
    const vault = new Vault(masterKey, store.dataKeys);
    return {
      dbPath,
      keyDir,
      store,
      ledger,
      vault,
      aliases: new RelayAliases(masterKey, resolveRelayDomain()),
      emailHashes: new EmailHashes(masterKey),
      pseudonyms: new CasePseudonyms(masterKey),
      signNote: (text) => signNote(text, [signerKey]),
      stateKey: detectorStateKey(masterKey),
      now,
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

/** A database file (or its write-ahead log) with something in it. */
function databaseExists(path: string): boolean {
  const nonEmpty = (p: string): boolean => existsSync(p) && statSync(p).size > 0;
  return nonEmpty(path) || nonEmpty(`${path}-wal`);
}

/** The ledger key file's text, checked whole (a truncated key is damaged, not a new log). */
function parseLedgerKey(text: string): string {
  const key = text.trim();
  parseSignerKeyName(key);
  return key;
}

function signs(note: string, verifierKey: string): boolean {
  try {
    openNote(note, [verifierKey]);
    return true;
  } catch {
    return false;
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
  return runWired(await wire(db), run);
}

/**
 * Runs `run` on a wiring (read-write or read-only), closing it whatever happens; a SQLite or
 * PostgreSQL failure (disk full, damaged file, read-only) surfaces as the store's typed error.
 */
export async function runWired<W extends Pick<Wired, 'dbPath' | 'close'>>(
  w: W,
  run: (w: W) => Promise<number>,
): Promise<number> {
  try {
    return await run(w);
  } catch (error) {
    throw storeFault(error, w.dbPath) ?? error;
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
  // loaded here, not with the wiring: most commands never decide (Cedar's start-up is theirs)
  const { CompiledPolicies, Decider, Guard, PinnedPolicies } = await import('../guard/index.js');
  const pinned = new PinnedPolicies(w.store, w.ledger, w.now);
  const policies = await pinned.activeOr(() =>
    CompiledPolicies.fromDir(resolvePolicyDir(undefined, {})),
  );
  return new Guard({ ...w, decider: new Decider(policies) });
}
