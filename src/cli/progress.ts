import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';

const require = createRequire(import.meta.url);
let cliProgressModule: typeof CliProgress | undefined;
/**
 * cli-progress, loaded when the first bar is shown: a run whose stderr is not a terminal (a
 * script, a pipe, a scheduled `warden detect`) shows none, and loading it and its
 * dependencies took 7–12 ms of every such run.
 */
const cliProgress = (): typeof CliProgress =>
  (cliProgressModule ??= require('cli-progress') as typeof CliProgress);

/** A bar of cli-progress counting in `unit`, drawn on `stream`, cleared when done. */
function singleBar(
  label: string,
  unit: string,
  stream: NodeJS.WritableStream,
): CliProgress.SingleBar {
  const bars = cliProgress();
  return new bars.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | eta {eta}s`,
      stream,
      hideCursor: true,
      clearOnComplete: true,
    },
    bars.Presets.shades_classic,
  );
}

/** A progress bar on a terminal (stderr), nothing when piped. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** Whether bars are shown on `stream`: only on a terminal. */
export const onTerminal = (stream: { readonly isTTY?: boolean } = process.stderr): boolean =>
  stream.isTTY === true;

export function progressBar(
  label: string,
  total: number | undefined,
  stream = process.stderr,
): Progress {
  if (!onTerminal(stream) || total === undefined || total === 0) return QUIET;
  const bar = singleBar(label, 'MB', stream);
  const mb = (n: number): number => Math.round((n / 1048576) * 10) / 10;
  bar.start(mb(total), 0);
  return throttled(
    { update: (done) => bar.update(mb(done)), stop: () => bar.stop() },
    total,
    262144,
  );
}

/** A progress that shows nothing (no terminal to show it on). */
export const QUIET: Progress = { update: () => {}, stop: () => {} };

/**
 * `bar`, told of an update only once it is `every` past the last one told; the last one
 * (`done >= total`) is always told. For a bar whose every update costs something (a redraw, a
 * message to another thread, which wakes it).
 */
export function throttled(bar: Progress, total: number, every: number): Progress {
  let told = 0;
  return {
    update: (done) => {
      if (done - told < every && done < total) return;
      told = done;
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

/** A progress bar counting whole steps (days simulated, files imported), quiet when piped. */
export function stepBar(
  label: string,
  total: number,
  unit: string,
  stream = process.stderr,
): Progress {
  if (!onTerminal(stream) || total === 0) return QUIET;
  const bar = singleBar(label, unit, stream);
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}
