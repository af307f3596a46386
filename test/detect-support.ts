/**
 * What the detection tests share: a simulated fortnight in stream order, everything one asks an
 * engine (to compare two engines), a simulated ledger on disk, and a database's saved
 * detection state as stored.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { InterchangeRecord } from '../src/domain/index.js';
import type { DetectionEngine } from '../src/detect/index.js';
import { resolveOptions, simulate } from '../src/sim/index.js';
import { runCli } from './helpers.js';

export const BIN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));
/** The compiled sources: worker threads run only from the build (`npm test` builds first). */
export const DIST = fileURLToPath(new URL('../dist/src/', import.meta.url));

/** A simulated fortnight (the small preset, every scenario it plays), in stream order. */
export function fortnight(seed: number): InterchangeRecord[] {
  const records: InterchangeRecord[] = [];
  simulate(resolveOptions({ preset: 'small', seed, days: 14 }), {
    write: (_f, lines) => {
      for (const l of lines) {
        const { v: _v, kind, ...body } = JSON.parse(l) as Record<string, unknown>;
        records.push({ kind, body } as never);
      }
    },
  });
  return records;
}

/** Everything the CLI and `warden serve` ask an engine, for comparing two engines. */
export function answers(engine: DetectionEngine) {
  const employees = [...engine.directory.employees.keys()].sort();
  return {
    findings: engine.findings(),
    sellers: engine.sellers(),
    rings: engine.rings(),
    peerGroups: engine.peerGroups(),
    events: engine.events,
    baselines: employees.map((id) => engine.baselineOf(id)),
    hits: employees.map((id) => engine.hitsOf(id)),
  };
}

/** The small preset of `seed` simulated into `dir`/sim and ingested into `db`: its stream files, in order. */
export async function simulatedLedger(dir: string, seed: number, db: string): Promise<string[]> {
  const sim = join(dir, 'sim');
  const simulated = await runCli([
    'simulate',
    '--preset',
    'small',
    '--seed',
    String(seed),
    '--out',
    sim,
  ]);
  expect(simulated.code).toBe(0);
  const files = readdirSync(join(sim, 'stream'))
    .sort()
    .map((f) => join(sim, 'stream', f));
  expect((await runCli(['ingest', ...files, '--db', db])).code).toBe(0);
  return files;
}

/**
 * Both parts of a database's saved detection state, their bytes and headers, as stored. Not
 * their MACs: each save draws a fresh IV (detect-state-mac.ts), so two saves of one state differ
 * there; whether a MAC holds is what resuming checks.
 */
export function savedState(path: string): { directory: Buffer; rest: Buffer; headers: unknown[] } {
  const d = new Database(path, { readonly: true });
  try {
    const joined = (table: string): Buffer =>
      Buffer.concat(d.prepare(`SELECT data FROM ${table} ORDER BY seq`).pluck().all() as Buffer[]);
    return {
      directory: joined('detector_directory_chunks'),
      rest: joined('detector_state_chunks'),
      headers: [
        d.prepare('SELECT ledger_size, bytes, length(mac) AS mac FROM detector_directory').get(),
        d
          .prepare(
            'SELECT ledger_size, root_hash, version, events, bytes, length(mac) AS mac FROM detector_state',
          )
          .get(),
      ],
    };
  } finally {
    d.close();
  }
}
