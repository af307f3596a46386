import cliProgress from 'cli-progress';

/** A progress bar on a terminal (stderr), nothing when piped. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progressBar(
  label: string,
  total: number | undefined,
  stream = process.stderr,
): Progress {
  if (!stream.isTTY || total === undefined || total === 0) return QUIET;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} MB | eta {eta}s`,
      stream,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (n: number): number => Math.round((n / 1048576) * 10) / 10;
  bar.start(mb(total), 0);
  let last = 0;
  return {
    update: (done) => {
      if (done - last < 262144 && done < total) return;
      last = done;
      bar.update(mb(done));
    },
    stop: () => bar.stop(),
  };
}

/** A progress that shows nothing (no terminal to show it on). */
export const QUIET: Progress = { update: () => {}, stop: () => {} };

/**
 * `bar`, told of at most about `steps` updates over `total`: an update less than `total / steps`
 * past the last one told is dropped, the last one (`done >= total`) never is. For a bar whose
 * every update costs something (a message to another thread, which wakes it).
 */
export function throttled(bar: Progress, total: number, steps = 200): Progress {
  const step = Math.max(1, Math.floor(total / steps));
  let told = 0;
  return {
    update: (done) => {
      if (done - told < step && done < total) return;
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
  if (!stream.isTTY || total === 0) return QUIET;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | eta {eta}s`,
      stream,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}
