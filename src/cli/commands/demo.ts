import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { wire } from '../wiring.js';
import { ingestCommand } from './ingest.js';
import { statsCommand } from './stats.js';
import type { Io } from '../io.js';

/**
 * The bundled sample: a few dozen employees' week (scripts/sample-week.ts writes it), found
 * from this module upwards, so that the compiled CLI (dist/src/…) and the sources agree.
 */
export function samplePath(from = dirname(fileURLToPath(import.meta.url))): string {
  const candidate = join(from, 'samples', 'sample-week.ndjson');
  if (existsSync(candidate)) return candidate;
  const parent = dirname(from);
  if (parent === from) throw new Error('the bundled sample samples/sample-week.ndjson is missing');
  return samplePath(parent);
}

/**
 * `npm start`: the main job on the embedded default. Until the simulator lands it imports
 * the bundled sample into a fresh SQLite database and prints what it holds.
 */
export async function demoCommand(flags: { db?: string }, io: Io): Promise<number> {
  const dbPath = flags.db ?? 'warden-demo.db';
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  io.out(`${pc.bold('Warden demo')}: importing the bundled sample into a fresh ${dbPath}\n`);
  const w = await wire(dbPath);
  try {
    await ingestCommand(w, [samplePath()], {}, io);
    await statsCommand(w, {}, io);
    io.out(
      `\nExplore it: npx warden stats --db ${dbPath}    npx warden ledger verify --db ${dbPath}\n`,
    );
    return 0;
  } finally {
    await w.close();
  }
}
