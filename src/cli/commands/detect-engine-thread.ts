import { WardenError } from '../../domain/index.js';
import { DetectError, SnapshotError } from '../../detect/index.js';
import { LedgerError } from '../../ledger/index.js';
import { StoreError, sqliteFault, type Store, type StoredFindings } from '../../store/index.js';
import { UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { resolveMaxPages } from '../paths.js';
import { onTerminal, type Progress } from '../progress.js';
import { recordsBar } from './detect-run.js';
import type { Wired } from '../wiring.js';
import { threadableStore } from './detect-threads.js';
import type {
  DetectionInputs,
  EngineMessage,
  EngineReply,
  EngineStart,
  EngineWorkerData,
  StatePart,
  ThreadFault,
} from './detect-engine-protocol.js';
import { StateFromParts } from './detect-state.js';
import { ENGINE_WORKER_FILE, startEngineWorker, type EarlyEngine } from './detect-engine-start.js';

/**
 * Can a run's engine go to a thread of its own: a SQLite file (another connection to an
 * in-memory database would open another, empty, database), from the compiled build (where the
 * worker file exists)? Whether it is worth it is `readingThreadWanted`'s question.
 */
export function engineThreadPossible(store: Store): boolean {
  return threadableStore(store, ENGINE_WORKER_FILE) !== undefined;
}

/**
 * Runs a detection (`detectionFrom`: resume or replay, feed, store the findings and the state)
 * on a worker thread with its own connection to the database, and answers the findings stored
 * and the leaf it resumed from. This thread answers the worker's questions for the ledger's
 * roots (so the ledger is opened once), shows the note of a state not resumed and the feed's
 * progress, stores the state's parts as the worker makes them (`StateFromParts`: the directory
 * part while the worker makes the rest), and gives a failure in the worker as the same typed
 * error the run would have thrown here. `inputs`: `detectionInputs`, read here; `early`: a
 * worker started before (`earlyEngine`), else one is started now.
 */
export function detectInThread(
  w: Wired,
  inputs: DetectionInputs,
  full: boolean,
  io?: Pick<Io, 'err'>,
  early?: EarlyEngine,
): Promise<{ stored: StoredFindings; resumedAt: number }> {
  const store = threadableStore(w.store, ENGINE_WORKER_FILE);
  // callers ask `engineThreadPossible` first: this is a programming error, not a user's
  if (store === undefined)
    throw new Error('a detection thread needs a SQLite file and the compiled build');
  const maxPages = resolveMaxPages();
  const data: EngineWorkerData = {
    path: store.path,
    dbPath: w.dbPath,
    ...(maxPages === undefined ? {} : { maxPages }),
    stateKey: new Uint8Array(w.stateKey),
    size: w.ledger.size,
    full,
    inputs,
    progress: onTerminal(),
  };
  const worker = early?.take() ?? startEngineWorker();
  worker.postMessage({ start: data } satisfies EngineStart);
  return new Promise((resolve, reject) => {
    let bar: Progress | undefined;
    let settled = false;
    // an error of this thread's own (a root the ledger could not give) is the one reported
    let failure: Error | undefined;
    const settle = (end: () => void): void => {
      if (settled) return;
      settled = true;
      bar?.stop();
      end();
      void worker.terminate();
    };
    const answerRoot = (size: number): void => {
      w.ledger.rootAt(size).then(
        (root) => worker.postMessage({ root: new Uint8Array(root) } satisfies EngineReply),
        (error: unknown) => {
          failure ??= asError(error);
          worker.postMessage({ rootFailed: true } satisfies EngineReply);
        },
      );
    };
    // the state's parts are stored in turn, each as it comes; the end waits for the last
    const parts = new StateFromParts(w, store);
    let saving: Promise<unknown> = Promise.resolve();
    const save = (part: StatePart): void => {
      saving = saving.then(() => (settled ? undefined : savePart(parts, part, io)));
      saving.catch(() => undefined); // reported by the end that waits for it
    };
    // a SQLite failure of the save here is the store's typed error, as one in the worker is
    const afterSaving = (end: () => void): void => {
      saving.then(end, (error: unknown) =>
        settle(() => reject(failure ?? sqliteFault(error, w.dbPath) ?? asError(error))),
      );
    };
    worker.on('message', (m: EngineMessage) => {
      if ('note' in m) io?.err(m.note);
      else if ('barTotal' in m) bar = recordsBar(m.barTotal);
      else if ('barAt' in m) bar?.update(m.barAt);
      else if ('barStop' in m) {
        bar?.stop();
        bar = undefined;
      } else if ('rootAt' in m) answerRoot(m.rootAt);
      else if ('save' in m) save(m.save);
      else if ('stored' in m)
        afterSaving(() => settle(() => resolve({ stored: m.stored, resumedAt: m.resumedAt })));
      else {
        const fault = typedError(m.fault);
        const fail = (): void => settle(() => reject(failure ?? fault));
        saving.then(fail, fail);
      }
    });
    worker.once('error', (error) => settle(() => reject(failure ?? error)));
    worker.once('exit', (code) =>
      settle(() =>
        reject(
          failure ?? new Error(`the detection thread stopped (exit code ${code}) before its end`),
        ),
      ),
    );
  });
}

const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));

/** A part of the state from the worker, stored (`StateFromParts`). */
async function savePart(parts: StateFromParts, p: StatePart, io?: Pick<Io, 'err'>): Promise<void> {
  const data = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
  if (p.part === 'directory') return parts.directory(p.ledgerSize, p.version, data);
  const kept = p.kept && { ledgerSize: p.kept.ledgerSize, mac: Buffer.from(p.kept.mac) };
  if (!(await parts.rest(p.ledgerSize, p.version, p.events, data, p.findings, kept)))
    io?.err('warden: detection state not saved: another detect run saved its own meanwhile\n');
}

/** The typed errors a detection run can throw, by class name, to be made again here. */
const WARDEN_ERRORS: Readonly<Record<string, new (code: never, message: string) => WardenError>> = {
  StoreError,
  LedgerError,
  DetectError,
  SnapshotError,
};

/**
 * The error a `ThreadFault` describes, of its class again (what the CLI's exit code and
 * message depend on: `reportError`); an error of another class keeps its name and message.
 */
export function typedError(fault: ThreadFault): Error {
  const Known = fault.kind === 'warden' ? WARDEN_ERRORS[fault.name] : undefined;
  if (Known !== undefined && fault.code !== undefined)
    return new Known(fault.code as never, fault.message);
  if (fault.kind === 'usage') return new UsageError(fault.message);
  const error = new Error(fault.message);
  error.name = fault.name;
  if (fault.code !== undefined) Object.assign(error, { code: fault.code });
  return error;
}

/** What crosses the thread of an error (already a store's typed error where it is one). */
export function threadFault(error: unknown): ThreadFault {
  if (!(error instanceof Error)) return { kind: 'other', name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    kind: error instanceof WardenError ? 'warden' : error instanceof UsageError ? 'usage' : 'other',
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
  };
}
