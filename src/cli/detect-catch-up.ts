import type { StoredFindings } from '../store/index.js';
import {
  directoryPartFor,
  feed,
  finishDetection,
  startDetection,
  storedIfCurrent,
  type Detection,
} from './commands/detect.js';
import type { Wired } from './wiring.js';

/** Runs one piece of work on the writing connection, after the work queued before it. */
export type WriteQueue = <T>(work: () => Promise<T>) => Promise<T>;

/** Work run at once (a program with nothing else writing, such as the demo's preparation). */
export const immediately: WriteQueue = (work) => work();

/** Leaves fed per turn of the write queue: about a tenth of a second of detection. */
export const CATCH_UP_SLICE = 20_000;

/**
 * Detection for a long-running server, brought up to the ledger's end a slice of leaves at a
 * time, each slice one turn of the write queue. The replay reads the writing connection (the
 * vault and the state's key sit beside it), so it must not interleave with a batch streaming
 * in under its transaction; but a write queued meanwhile (an ingest batch, a guarded request,
 * a triage step) runs between two slices instead of behind the whole replay. The engine is
 * this object's alone until the last slice stores its findings and state, in one turn, at
 * the ledger's size then. Callers arriving while it catches up share the one run.
 */
export class DetectionCatchUp {
  private last: Detection | undefined;
  private running: Promise<Detection> | undefined;

  constructor(
    private readonly w: Wired,
    private readonly org: string | undefined,
    private readonly queue: WriteQueue = immediately,
    private readonly slice = CATCH_UP_SLICE,
  ) {}

  /** The stored findings when current (no engine needed), else those of a catch-up. */
  async findings(): Promise<StoredFindings> {
    const stored = await this.queue(() => storedIfCurrent(this.w, this.org));
    return stored ?? (await this.detection()).stored;
  }

  /** The engine and findings at the ledger's end. */
  detection(): Promise<Detection> {
    this.running ??= this.catchUp().finally(() => (this.running = undefined));
    return this.running;
  }

  private async catchUp(): Promise<Detection> {
    const { w } = this;
    const run = await this.queue(async () =>
      this.last?.stored.ledgerSize === w.ledger.size
        ? undefined
        : startDetection(w, undefined, this.org === undefined ? {} : { org: this.org }),
    );
    if (run === undefined) return this.last as Detection;
    let at = run.from;
    for (;;) {
      const done = await this.queue(async () => {
        const end = w.ledger.size;
        if (end - at > this.slice) {
          at = await feed(w, run.engine, at, undefined, at + this.slice);
          return undefined;
        }
        const built = directoryPartFor(w, run, end);
        await feed(w, run.engine, at, undefined, end);
        return finishDetection(w, run, end, built);
      });
      if (done !== undefined) {
        this.last = done;
        return done;
      }
    }
  }
}
