/**
 * Injected pause points for crash tests: with `WARDEN_TEST_PAUSE=NAME`, the process stops at
 * the point of that name (announcing it on stderr) for a minute, so that a test can kill it
 * exactly there. Unset, it costs one lookup.
 */
export function pausePoint(name: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env['WARDEN_TEST_PAUSE'] !== name) return;
  process.stderr.write(`warden: paused at ${name}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}
