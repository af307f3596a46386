import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  DetectionEngine,
  SNAPSHOT_VERSION,
  SnapshotError,
  restoreEngine,
  snapshotDirectory,
  snapshotEngine,
} from '../../detect/index.js';
import {
  MAC_SCHEME,
  authentic,
  directoryMac,
  numberingSeed,
  stateMac,
} from './detect-state-mac.js';
import { ORG_FILE_NAME } from '../org-file.js';
import { detectionCodeHash } from './detection-code.js';
import type { Ledger } from '../../ledger/index.js';
import type {
  DetectorDirectoryState,
  DetectorStateUpdate,
  SqliteStore,
  StoredFindings,
  StagedDirectory,
  StoreTransaction,
} from '../../store/index.js';
import { pausePoint } from '../pause.js';
import type { Wired } from '../wiring.js';

/**
 * What a detection run reads of the wiring: the store, the state's key, the clock, and the
 * ledger's size and roots (as the command opened it). A worker thread has these without the
 * rest (`detect-engine-thread.ts`).
 */
export type DetectionWiring = Pick<Wired, 'dbPath' | 'store' | 'stateKey' | 'now'> & {
  readonly ledger: Pick<Ledger, 'size' | 'rootAt'>;
};

/** An engine ready to consume the ledger from `from` on, and why a saved state was not used. */
export interface Resumed {
  readonly engine: DetectionEngine;
  readonly from: number;
  readonly note?: string;
  /** The stored directory part the engine was restored from (kept by the next save if recent). */
  readonly directory?: { readonly ledgerSize: number; readonly mac: Buffer };
}

/**
 * A resumed run re-saves the directory part (most of the state) only once the leaves since it
 * was saved pass this share of the ledger; until then it saves the rest alone, and a resume
 * replays the directory records in between (`DirectoryView.replay`), which costs about this
 * share of a full replay's reading, and nothing of its detecting.
 */
export const DIRECTORY_RESAVE_SHARE = 0.05;

/** The org profile beside the database, which another part of detection reads. */

/**
 * What a saved state must have been written by: the snapshot format, a hash of the detection
 * code as installed (any change to a detector or a parameter is a change of code), and a hash
 * of the configuration that shapes detection (the org profile, when there is one).
 */
export function detectionVersion(
  dbPath: string,
  orgFlag?: string,
  orgFile = orgFlag ?? join(dirname(dbPath), ORG_FILE_NAME),
): string {
  const config = existsSync(orgFile) ? sha256(readFileSync(orgFile)) : 'none';
  return `${SNAPSHOT_VERSION}; mac ${MAC_SCHEME}; code ${detectionCodeHash()}; org profile ${config}`;
}

const sha256 = (data: Buffer): string =>
  createHash('sha256').update(data).digest('hex').slice(0, 16);

/**
 * The saved engine when it can be trusted to continue — written with this master key (its
 * MACs), same code and configuration, and a ledger whose first leaves are exactly the ones it
 * consumed (same root hash at its size) — otherwise a new engine from leaf 0, with a one-line
 * note saying why.
 */
export async function resumeEngine(
  w: DetectionWiring,
  version: string,
  full = false,
  create: () => DetectionEngine = () =>
    new DetectionEngine(undefined, { seed: numberingSeed(w.stateKey) }),
): Promise<Resumed> {
  const fresh = (note?: string): Resumed => ({
    engine: create(),
    from: 0,
    ...(note === undefined
      ? {}
      : { note: `detection state discarded: ${note}; replaying the whole ledger` }),
  });
  if (full) return fresh();
  const saved = await w.store.detectorState.describe();
  if (!saved) return fresh();
  if (saved.version !== version)
    return fresh('the detection code or its configuration changed since it was saved');
  if (saved.ledgerSize > w.ledger.size)
    return fresh(`it covers ${saved.ledgerSize} leaves but the ledger has ${w.ledger.size}`);
  const root = await w.ledger.rootAt(saved.ledgerSize);
  if (!root.equals(saved.rootHash))
    return fresh(
      `the ledger's first ${saved.ledgerSize} leaves are not the ones it covers (root hash differs)`,
    );
  const loaded = await w.store.detectorState.load();
  if (!loaded) return fresh('it is incomplete or damaged');
  if (!authentic(w.stateKey, loaded))
    return fresh(
      'its MAC does not match (it was altered, or written under another master key): it is not trusted',
    );
  try {
    const engine = restoreEngine(loaded.data, loaded.directory.data);
    await replayDirectory(w, engine, loaded.directory.ledgerSize, loaded.ledgerSize);
    return { engine, from: loaded.ledgerSize, directory: loaded.directory };
  } catch (error) {
    if (error instanceof SnapshotError) return fresh(`it does not decode (${error.code})`);
    throw error;
  }
}

/** Brings a directory part saved at `from` forward to `to` (directory records only). */
async function replayDirectory(
  w: DetectionWiring,
  engine: DetectionEngine,
  from: number,
  to: number,
): Promise<void> {
  // reviewers (personal data) and employees (saved with the rest) are not even read
  for await (const chunk of w.store.ledger.recordChunks(from, to, SKIP_IN_REPLAY))
    engine.directory.replay(chunk.map((r) => r.record));
}

const SKIP_IN_REPLAY = ['event', 'reviewer', 'employee'] as const;

/** Does a save at `size` leaves write the directory part (else the `kept` one stays)? */
export function savesDirectory(size: number, kept?: Resumed['directory']): boolean {
  return kept === undefined || size - kept.ledgerSize > DIRECTORY_RESAVE_SHARE * size;
}

/** An engine's state to save (`saveEngine`), and what goes with it. */
export interface EngineSave {
  /** The engine, having consumed every leaf below `size`. */
  readonly engine: DetectionEngine;
  /** The version the state is written under (`detectionVersion` and the canaries'). */
  readonly version: string;
  readonly size: number;
  /** The stored directory part the engine goes with (restored from, or saved last), if any. */
  readonly kept?: Resumed['directory'] | undefined;
  /** The directory part at `size` made from its source (`directoryPartInThread`), if it is. */
  readonly built?: Promise<Buffer | undefined> | undefined;
  /** The engine's findings at `size`, stored in the same transaction. */
  readonly findings?: StoredFindings;
}

/**
 * Saves the engine as of `size` leaves, in one transaction: the old state or the new, never
 * half. The directory part is saved too for a new engine, or when the `kept` one is older than
 * `DIRECTORY_RESAVE_SHARE` of the ledger; else the stored one is kept. It is `built` when that
 * is given and not undefined, else the engine's directory. `findings` are stored in the same
 * transaction (never newer nor older than the state). Returns the directory part now stored
 * (the `kept` of the next save by an engine that stays in memory).
 */
export async function saveEngine(
  w: DetectionWiring,
  { engine, version, size, kept, built, findings }: EngineSave,
): Promise<NonNullable<Resumed['directory']>> {
  // asked first: on an engine's thread the command's thread reads the root meanwhile
  const rootHash = w.ledger.rootAt(size);
  rootHash.catch(() => undefined); // awaited below; a snapshot that throws first is the error
  // the rest first: a directory part built on another thread may still be on its way
  const data = snapshotEngine(engine);
  const directory = savesDirectory(size, kept)
    ? sealedDirectory(w.stateKey, version, size, (await built) ?? snapshotDirectory(engine))
    : undefined;
  const dirMac = directory?.mac ?? kept?.mac ?? Buffer.alloc(0);
  const rest = sealedRest(
    w,
    { ledgerSize: size, rootHash: await rootHash, version },
    engine,
    data,
    dirMac,
  );
  await inSave(w.store, async (tx) => {
    if (findings) await tx.putFindings(findings);
    await tx.putDetectorState(directory ? { ...rest, directory } : rest);
  });
  return { ledgerSize: directory?.ledgerSize ?? kept?.ledgerSize ?? size, mac: dirMac };
}

/** A directory part saved at `size` leaves, with its MAC. */
function sealedDirectory(
  key: Buffer,
  version: string,
  size: number,
  data: Buffer,
): DetectorDirectoryState {
  const part = { ledgerSize: size, data, mac: Buffer.alloc(0) };
  return { ...part, mac: directoryMac(key, { ...part, version }) };
}

/** The rest of a state (all but its directory part) as stored: its MAC binds `dirMac`. */
function sealedRest(
  w: Pick<DetectionWiring, 'stateKey' | 'now'>,
  header: { readonly ledgerSize: number; readonly rootHash: Buffer; readonly version: string },
  engine: Pick<DetectionEngine, 'events'>,
  data: Buffer,
  dirMac: Buffer,
): Omit<DetectorStateUpdate, 'directory'> {
  const state = { ...header, events: engine.events, data };
  return { ...state, savedAt: w.now(), mac: stateMac(w.stateKey, state, dirMac) };
}

/**
 * `write` in a transaction of `store`'s, committed after the crash tests' pause point `pause`
 * (none when undefined), rolled back if anything throws.
 */
async function inSave<Tx extends StoreTransaction, T>(
  store: { begin(): Promise<Tx> },
  write: (tx: Tx) => Promise<T>,
  pause: string | undefined = 'detector-state-save',
): Promise<T> {
  const tx = await store.begin();
  try {
    const result = await write(tx);
    if (pause !== undefined) pausePoint(pause);
    await tx.commit();
    return result;
  } catch (error) {
    await tx.rollback();
    throw error;
  }
}

/**
 * A state saved from the parts an engine's thread makes (`detect-engine-worker.ts`), on the
 * thread that holds the store, while the engine's thread makes the next part: the directory
 * part (most of the bytes) is staged in a transaction of its own while the rest is made
 * (`stageDetectorDirectory`), then the rest naming it in another. Stopped between the two, the
 * saved state is the old one, whole.
 */
export class StateFromParts {
  private staged: StagedDirectory | undefined;

  constructor(
    private readonly w: Pick<DetectionWiring, 'stateKey' | 'now'> & {
      readonly ledger: Pick<Ledger, 'rootAt'>;
    },
    private readonly store: SqliteStore,
  ) {}

  /**
   * The directory part made at `size` leaves: sealed and staged, durable when this returns
   * (the crash tests' pause point `detector-directory-staged` is after its commit, before the
   * rest's transaction).
   */
  async directory(size: number, version: string, data: Buffer): Promise<void> {
    const part = sealedDirectory(this.w.stateKey, version, size, data);
    this.staged = await inSave(this.store, (tx) => tx.stageDetectorDirectory(part), undefined);
    pausePoint('detector-directory-staged');
  }

  /**
   * The rest, made at `size` leaves: saved naming the part staged before, or else `kept`, the
   * stored part the engine was restored from, in one transaction with the run's `findings`.
   * `false` when another run staged its own part in this one's place meanwhile: the state
   * stored is then that run's, or the one before (the findings are stored all the same).
   */
  async rest(
    size: number,
    version: string,
    events: number,
    data: Buffer,
    findings: StoredFindings,
    kept?: Resumed['directory'],
  ): Promise<boolean> {
    const staged = this.staged;
    const dirMac = staged?.mac ?? kept?.mac;
    if (dirMac === undefined) throw new Error("a state's rest came without its directory part");
    const header = { ledgerSize: size, rootHash: await this.w.ledger.rootAt(size), version };
    const rest = sealedRest(this.w, header, { events }, data, dirMac);
    return inSave(this.store, async (tx) => {
      await tx.putFindings(findings);
      if (staged) return tx.putStagedDetectorState(rest, staged);
      await tx.putDetectorState(rest);
      return true;
    });
  }
}
