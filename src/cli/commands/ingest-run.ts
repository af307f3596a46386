import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileSource, importSource } from '../../ingest/index.js';
import type { Manifest } from '../../sim/index.js';
import { progressBar } from '../progress.js';
import type { Wired } from '../wiring.js';

export interface RunIngest {
  readonly files: number;
  readonly events: number;
  readonly directoryVersions: number;
  readonly seconds: number;
  readonly dangling: number;
}

/** Imports a simulation's stream, one atomic batch per file, under one progress bar. */
export async function ingestSimulation(
  w: Wired,
  dir: string,
  manifest: Manifest,
  afterBatch: () => Promise<void> = () => Promise.resolve(),
): Promise<RunIngest> {
  const paths = manifest.files.map((f) => join(dir, f));
  const sizes = paths.map((p) => statSync(p).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const bar = progressBar('ingest', total);
  const started = performance.now();
  let done = 0;
  let events = 0;
  let directoryVersions = 0;
  let dangling = 0;
  try {
    for (const [i, path] of paths.entries()) {
      const report = await importSource(
        w.store,
        w.ledger,
        w.vault,
        fileSource(path, sizes[i] ?? 0),
        {
          onProgress: (n) => bar.update(done + n),
          now: w.now,
          emailHashes: w.emailHashes,
        },
      );
      done += sizes[i] ?? 0;
      events += report.events;
      directoryVersions += report.directoryVersions;
      dangling += report.dangling.length;
      await afterBatch();
    }
  } finally {
    bar.stop();
  }
  return {
    files: paths.length,
    events,
    directoryVersions,
    dangling,
    seconds: (performance.now() - started) / 1000,
  };
}
