import type { DetectionEngine } from '../detect/index.js';
import type { StoredFindings } from '../store/index.js';
import { startDetection, stateVersion, storedIfCurrent } from './commands/detect.js';
import { feed, findingsOf, type Detection, type DetectionRun } from './commands/detect-run.js';
import { saveWarmEngine, type WarmState } from './detect-warm-save.js';
import type { Wired } from './wiring.js';

/** Runs one piece of work on the writing connection, after the work queued before it. */
export type WriteQueue = <T>(work: () => Promise<T>) => Promise<T>;

/** Work run at once (a program with nothing else writing, such as the demo's preparation). */
export const immediately: WriteQueue = (work) => work();

/** Leaves fed per turn of the write queue: about a tenth of a second of detection. */
export const CATCH_UP_SLICE = 20_000;

/**
 * How long after a catch-up its engine state and findings are saved. Not on the request's
 * path (the state's snapshot is a few hundred milliseconds of the medium demo), and at most
 * one save per this span however often writes come: the state is a cache of the ledger.
 */
export const SAVE_AFTER_MS = 2_000;

/** What a catch-up answers: the findings at the ledger's end, and the leaf it fed from. */
export type CaughtUp = Pick<Detection, 'stored' | 'resumedAt'>;

export interface CatchUpOptions {
  readonly slice?: number;
  readonly saveAfterMs?: number;
  /** Told of a save that failed (the state is a cache: the next save or start makes up for it). */
  readonly onSaveError?: (error: unknown) => void;
}

/**
 * Detection for a long-running server: ONE engine kept warm in memory, fed only the leaves
 * appended since it last caught up, a slice at a time, each slice one turn of the write queue.
 * The replay reads the writing connection, so it must not interleave with a batch streaming
 * in under its transaction; a write queued meanwhile runs between two slices instead of behind
 * the whole replay. Callers arriving while it catches up share the one run.
 *
 * The engine is restored from the saved state (or replayed) only on the first catch-up, or
 * when what it was built for changes: the detection code, the org profile, the canaries
 * (`stateVersion`) — or a feed failed part-way. Feeding an engine the stream in any number of
 * pieces gives what one replay gives (`DetectionEngine`), and asking it anything changes
 * nothing (test/detect-warm.test.ts), so the findings equal a catch-up from the saved state.
 *
 * The engine is only ever read inside a turn of the queue in which it stands at the end of a
 * catch-up (`read`): a slice of the next catch-up cannot feed it under a reader, and readers
 * get derived data (findings, sellers, rings, explanations), never the engine to keep.
 *
 * The state and findings are saved `saveAfterMs` after a catch-up, in a queue turn of their
 * own, and when the server closes (`close`): not on the request's path. A `kill -9` loses no
 * acknowledged write (the ledger has it), only the saved state's progress: the next start
 * resumes from the older state and feeds it the leaves since.
 */
export class DetectionCatchUp {
  private warm: WarmState | undefined;
  private running: Promise<Detection> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly views = new WeakMap<Detection, CaughtUp>();
  private readonly slice: number;
  private readonly saveAfterMs: number;
  private readonly onSaveError: (error: unknown) => void;

  constructor(
    private readonly w: Wired,
    private readonly org: string | undefined,
    private readonly queue: WriteQueue = immediately,
    options: CatchUpOptions = {},
  ) {
    this.slice = options.slice ?? CATCH_UP_SLICE;
    this.saveAfterMs = options.saveAfterMs ?? SAVE_AFTER_MS;
    this.onSaveError = options.onSaveError ?? reportSaveError;
  }

  /** The findings at the ledger's end: the warm engine's, else the stored ones when current. */
  async findings(): Promise<StoredFindings> {
    const ready = await this.queue(() => this.upToDate());
    if (ready) return ready.stored;
    if (this.warm === undefined) {
      const stored = await this.queue(() => storedIfCurrent(this.w, this.org));
      if (stored) return stored;
    }
    return (await this.caughtUp()).stored;
  }

  /** Brings the engine to the ledger's end (restoring it on the first call). */
  async detection(): Promise<CaughtUp> {
    const d = await this.caughtUp();
    let view = this.views.get(d);
    if (view === undefined) {
      view = { stored: d.stored, resumedAt: d.resumedAt }; // the engine stays inside
      this.views.set(d, view);
    }
    return view;
  }

  /**
   * `use` run on the engine at the end of a catch-up, in a turn of the queue (so no slice
   * feeds it meanwhile). What `use` returns must not hold on to the engine's insides.
   */
  async read<T>(use: (d: Detection) => T | Promise<T>): Promise<T> {
    for (;;) {
      const d = await this.caughtUp();
      const out = await this.queue(async () =>
        this.warm?.done === d ? { value: await use(d) } : undefined,
      );
      if (out) return out.value;
      // a later catch-up (more leaves, or a rebuilt engine) took over meanwhile: join it
    }
  }

  /** `compute(engine)` at the end of a catch-up, computed once per catch-up (sellers, rings). */
  derived<T>(name: string, compute: (engine: DetectionEngine) => T): Promise<[number, T]> {
    return this.read((d) => {
      const memo = this.warm!.derived;
      if (!memo.has(name)) memo.set(name, compute(d.engine));
      return [d.stored.ledgerSize, memo.get(name) as T];
    });
  }

  /** Saves what is not saved yet, now (when the server closes). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.save();
  }

  private caughtUp(): Promise<Detection> {
    this.running ??= this.catchUp().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The warm engine's detection if it is at the ledger's end and of the current version. */
  private async upToDate(): Promise<Detection | undefined> {
    const warm = this.warm;
    if (warm?.done === undefined || warm.at !== this.w.ledger.size) return undefined;
    return warm.run.version === (await stateVersion(this.w, this.org)) ? warm.done : undefined;
  }

  private async catchUp(): Promise<Detection> {
    const begun = await this.queue(() => this.begin());
    if ('stored' in begun) return begun;
    const warm = begun;
    const from = warm.at;
    for (;;) {
      const done = await this.queue(() => this.feedSlice(warm, from));
      if (done !== undefined) {
        this.saveLater();
        return done;
      }
    }
  }

  /** The warm engine when it can go on (done already, or to be fed), else a restored one. */
  private async begin(): Promise<Detection | WarmState> {
    const size = this.w.ledger.size;
    const warm = this.warm;
    if (warm && warm.at <= size && warm.run.version === (await stateVersion(this.w, this.org))) {
      if (warm.done && warm.at === size) return warm.done;
      warm.done = undefined; // being fed: no reader until the catch-up ends
      return warm;
    }
    const options = this.org === undefined ? {} : { org: this.org };
    this.warm = warmState(await startDetection(this.w, undefined, options));
    return this.warm;
  }

  /** One turn: a slice of leaves; at the ledger's end, the findings too. */
  private async feedSlice(warm: WarmState, from: number): Promise<Detection | undefined> {
    const { w } = this;
    const { engine } = warm.run;
    const end = w.ledger.size;
    const to = end - warm.at > this.slice ? warm.at + this.slice : end;
    try {
      warm.at = await feed(w, engine, warm.at, to);
    } catch (error) {
      // fed part of a slice: what it has consumed is unknown, so it is rebuilt next time
      if (this.warm === warm) this.warm = undefined;
      throw error;
    }
    if (to !== end) return undefined;
    warm.done = { engine, stored: findingsOf(w, engine, end), resumedAt: from };
    warm.derived = new Map();
    return warm.done;
  }

  private saveLater(): void {
    if (this.timer !== undefined) return; // at most one save per span, however often it is asked
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save().catch(this.onSaveError);
    }, this.saveAfterMs);
    this.timer.unref();
  }

  /** In a turn of its own: the state and findings of the engine at the end of a catch-up. */
  private save(): Promise<void> {
    return this.queue(async () => {
      const warm = this.warm;
      // mid catch-up: its end schedules the next save
      if (warm?.done === undefined) return;
      // built for another profile, code or canaries: the next catch-up rebuilds it
      if (warm.run.version !== (await stateVersion(this.w, this.org))) return;
      await saveWarmEngine(this.w, warm);
    });
  }
}

const warmState = (run: DetectionRun): WarmState => ({
  run,
  at: run.from,
  done: undefined,
  derived: new Map(),
  directory: run.directory,
  // a resumed engine is the saved state; a replay (from 0, or after a note) is not saved yet
  stateSavedAt: run.from > 0 && run.note === undefined ? run.from : undefined,
  findingsSavedAt: undefined,
});

function reportSaveError(error: unknown): void {
  const why = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `warden: saving detection's state failed (${why}); it is a cache of the ledger: the next save, or a replay at the next start, makes up for it\n`,
  );
}
