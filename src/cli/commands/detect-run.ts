import { DetectionEngine, declareCanaries } from '../../detect/index.js';
import type { StoredFindings } from '../../store/index.js';
import type { Io } from '../io.js';
import { stepBar, type Progress } from '../progress.js';
import {
  resumeEngine,
  saveEngine,
  savesDirectory,
  type DetectionWiring,
  type EngineSave,
  type Resumed,
} from './detect-state.js';
import { directoryPartInThread } from './detect-directory.js';
import { numberingSeed } from './detect-state-mac.js';
import type { DetectionInputs } from './detect-engine-protocol.js';
import { feedInThread, prepareFeedThread, recordsChunk, type FedChunk } from './detect-feed.js';

/**
 * A detection run's steps, whichever thread runs them (`warden detect`'s, or an engine's own:
 * `detect-engine-worker.ts`): the engine made or resumed, fed every leaf it has not seen, its
 * findings and state stored. Apart from the commands (`detect.ts`: the org profile, the
 * canaries, the tables) so that an engine's thread loads only what a run needs.
 */

/** The feed's progress bar on stderr, for `total` leaves. */
export const recordsBar = (total: number): Progress => stepBar('detect', total, 'records');

/**
 * Feeds the engine every stored record from `from` on, in ledger order, up to the ledger's
 * size when the command opened it (leaves a concurrent import adds are for the next run);
 * returns the next leaf. `chunks`: where the records come from (by default read here;
 * `feedInThread` reads them on another thread).
 */
export async function feed(
  w: DetectionWiring,
  engine: DetectionEngine,
  from = 0,
  to = w.ledger.size,
  chunks: AsyncIterable<FedChunk> = storedChunks(w, from, to),
  progress: (total: number) => Progress = recordsBar,
): Promise<number> {
  const bar = progress(to - from);
  try {
    for await (const chunk of chunks) {
      chunk.into(engine);
      bar.update(chunk.last + 1 - from);
    }
  } finally {
    bar.stop();
  }
  return to;
}

/** The records of leaves [`from`, `to`), read on this thread. */
async function* storedChunks(
  w: DetectionWiring,
  from: number,
  to: number,
): AsyncGenerator<FedChunk> {
  // Reviewer records hold personal data, which detection never reads: they are not even parsed.
  for await (const chunk of w.store.ledger.recordChunks(from, to, ['reviewer']))
    yield recordsChunk(
      chunk.map((r) => r.record),
      chunk[chunk.length - 1]!.leaf,
    );
}

/**
 * How a run's findings and engine state are stored: here (`saveHere`), or handed part by part
 * to the thread holding the store (`detect-engine-worker.ts`). `findings` computes the
 * findings, when the saver likes; the state is given as to `saveEngine`. Returns the findings
 * stored.
 */
export type StateSaver = (
  findings: () => StoredFindings,
  w: DetectionWiring,
  state: Omit<EngineSave, 'findings'>,
) => Promise<StoredFindings>;

/** The findings and the state in one transaction, on this thread (`saveEngine`). */
const saveHere: StateSaver = async (findings, w, state) => {
  const stored = findings();
  await saveEngine(w, { ...state, findings: stored });
  return stored;
};

/** What a detection run gives: the engine (after every leaf) and the findings it stored. */
export interface Detection {
  readonly engine: DetectionEngine;
  readonly stored: StoredFindings;
  /** The leaf the run started from: 0 for a full replay, else the saved state's size. */
  readonly resumedAt: number;
}

/**
 * `runDetection`'s steps, on whichever thread runs them: `start` makes or resumes the engine;
 * `short`: a saved state promises a resume too short for a feed thread (`shortResume`);
 * `progress`: the feed's progress bar.
 */
export async function detectionFrom(
  w: DetectionWiring,
  short: boolean,
  start: () => Promise<DetectionRun>,
  progress: (total: number) => Progress = recordsBar,
  save: StateSaver = saveHere,
): Promise<Detection> {
  // the records are read on a second core, whose thread starts while the engine is made —
  // unless a saved state promises a resume too short for a thread (started late if it fails)
  const starter = short ? undefined : prepareFeedThread(w.store);
  let run: DetectionRun;
  try {
    run = await start();
  } catch (error) {
    starter?.cancel();
    throw error;
  }
  const size = w.ledger.size;
  const thread = starter ? starter.start(run.from, size) : feedInThread(w.store, run.from, size);
  // A replay from leaf 0 saves its engine's own directory (whole, in memory) once fed: while a
  // feed thread keeps the second core busy, building the part again there only adds to the
  // critical path (and ~0.6 GB of peak memory at the large preset).
  const built = thread && run.from === 0 ? undefined : directoryPartFor(w, run, size);
  await feed(w, run.engine, run.from, size, thread?.chunks, progress);
  return finishDetection(w, run, size, built, save);
}

/** A detection run under way: its engine, where it resumed, and what its save must know. */
export interface DetectionRun {
  readonly engine: DetectionEngine;
  /** The leaf it resumed from. */
  readonly from: number;
  /** The saved state's version this run writes (`detectionVersion` and the canaries'). */
  readonly version: string;
  readonly note?: string;
  readonly directory?: Resumed['directory'];
}

/**
 * The engine of a run given its inputs: the saved state resumed when it holds (else a new
 * engine, and a note on `io`'s stderr saying why), told the canaries.
 */
export async function resumeDetection(
  w: DetectionWiring,
  inputs: DetectionInputs,
  full = false,
  io?: Pick<Io, 'err'>,
): Promise<DetectionRun> {
  const { profile, canaries, version } = inputs;
  const { engine, from, note, directory } = await resumeEngine(
    w,
    version,
    full,
    () => new DetectionEngine(profile, { seed: numberingSeed(w.stateKey) }),
  );
  // fresh or restored, the engine is told the canaries (they are never in its saved state)
  declareCanaries(engine, canaries);
  if (note !== undefined) io?.err(`warden: ${note}\n`);
  return {
    engine,
    from,
    version,
    ...(note === undefined ? {} : { note }),
    ...(directory === undefined ? {} : { directory }),
  };
}

/** A resumed engine that saw nothing new is the state already saved. */
const savesState = (run: DetectionRun, size: number): boolean =>
  run.from !== size || run.note !== undefined || run.from === 0;

/**
 * The directory part of the state a save at `size` writes, started on a second core (to run
 * beside the feeding); undefined when the save keeps the stored part or no core is free.
 */
export function directoryPartFor(
  w: DetectionWiring,
  run: DetectionRun,
  size: number,
): Promise<Buffer | undefined> | undefined {
  return savesState(run, size) && savesDirectory(size, run.directory)
    ? directoryPartInThread(w.store, size, numberingSeed(w.stateKey))
    : undefined;
}

/**
 * The last step of a run whose engine has consumed every leaf below `size`: stores the
 * findings, and the engine's state unless a resumed engine saw nothing new. `built`: the
 * directory part from `directoryPartFor` at the same size.
 */
export async function finishDetection(
  w: DetectionWiring,
  run: DetectionRun,
  size: number,
  built?: Promise<Buffer | undefined>,
  save: StateSaver = saveHere,
): Promise<Detection> {
  const findings = (): StoredFindings => findingsOf(w, run.engine, size);
  const stored = savesState(run, size)
    ? await save(findings, w, {
        engine: run.engine,
        version: run.version,
        size,
        kept: run.directory,
        built,
      })
    : await saveFindings(w, run.engine, size);
  return { engine: run.engine, stored, resumedAt: run.from };
}

export async function saveFindings(
  w: DetectionWiring,
  engine: DetectionEngine,
  ledgerSize = w.ledger.size,
): Promise<StoredFindings> {
  const stored = findingsOf(w, engine, ledgerSize);
  await w.store.findings.save(stored);
  return stored;
}

/** The engine's findings now, as they are stored: at `ledgerSize` leaves, computed now. */
export function findingsOf(
  w: DetectionWiring,
  engine: DetectionEngine,
  ledgerSize: number,
): StoredFindings {
  return { computedAt: w.now(), ledgerSize, events: engine.events, findings: engine.findings() };
}
