import { type Detection, type DetectionRun } from './commands/detect-run.js';
import { directoryPartInThread } from './commands/detect-directory.js';
import { numberingSeed } from './commands/detect-state-mac.js';
import { saveEngine, savesDirectory, type Resumed } from './commands/detect-state.js';
import type { Wired } from './wiring.js';

/** The one engine a server keeps in memory (`DetectionCatchUp`), and what of it is saved. */
export interface WarmState {
  /** The run that restored or built it: its engine, and the version its state is saved under. */
  readonly run: DetectionRun;
  /** Leaves it has consumed. */
  at: number;
  /** Its findings, when a catch-up ended at `at`; undefined while one feeds it. */
  done: Detection | undefined;
  /** Answers derived from it at `done` (sellers, rings), computed once each. */
  derived: Map<string, unknown>;
  /** The directory part of the saved state (kept by a save until it is too old). */
  directory: Resumed['directory'];
  /** The leaf count of the state saved from it (undefined: none saved yet). */
  stateSavedAt: number | undefined;
  /** The ledger size of the findings last stored from it. */
  findingsSavedAt: number | undefined;
}

/**
 * Stores the findings and the engine's state at the end of its last catch-up, whichever is not
 * stored yet, as `warden detect` would have: the findings first (what `warden risk` and the
 * guard's high-risk fact read), then the state, in one transaction, its directory part made on
 * a second core when it is due.
 */
export async function saveWarmEngine(w: Wired, warm: WarmState): Promise<void> {
  const done = warm.done;
  if (done === undefined) return;
  const size = done.stored.ledgerSize;
  if (warm.findingsSavedAt !== size) {
    await w.store.findings.save(done.stored);
    warm.findingsSavedAt = size;
  }
  if (warm.stateSavedAt === size) return;
  const built = savesDirectory(size, warm.directory)
    ? directoryPartInThread(w.store, size, numberingSeed(w.stateKey))
    : undefined;
  warm.directory = await saveEngine(w, {
    engine: done.engine,
    version: warm.run.version,
    size,
    kept: warm.directory,
    built,
  });
  warm.stateSavedAt = size;
}
