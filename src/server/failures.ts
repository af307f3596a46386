import { ServerError } from './errors.js';

const WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;

/**
 * Failed authentications per client address, a minute at a time: guessing tokens is refused
 * with `RATE_LIMITED` before the guess is even checked. (The per-caller limit counts only
 * callers who proved who they are.)
 */
export class FailureLimiter {
  private readonly seen = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Throws once `address` has failed `max` times in the current minute. */
  check(address: string): void {
    const entry = this.current(address);
    if (entry && entry.count >= this.max) {
      throw new ServerError(
        'RATE_LIMITED',
        `over ${this.max} failed authentications a minute from this address; retry later`,
      );
    }
  }

  fail(address: string): void {
    if (this.seen.size >= MAX_TRACKED) this.seen.clear(); // bounded memory under a flood
    const entry = this.current(address) ?? { start: this.clock(), count: 0 };
    entry.count++;
    this.seen.set(address, entry);
  }

  private current(address: string): { start: number; count: number } | undefined {
    const entry = this.seen.get(address);
    if (entry && this.clock() - entry.start >= WINDOW_MS) {
      this.seen.delete(address);
      return undefined;
    }
    return entry;
  }
}
