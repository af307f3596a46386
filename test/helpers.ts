import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { main, type Io } from '../src/cli/index.js';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `warden ARGS…` in-process, capturing its output. */
export async function runCli(args: string[], stdin = ''): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    stdin: Readable.from([Buffer.from(stdin)]),
  };
  const code = await main(['node', 'warden', ...args], io);
  return { code, out, err };
}

/** Runs `run` with these environment variables set, and puts the environment back after. */
export async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** `runCli` with these environment variables set for this run only. */
export const runCliWith = (vars: Record<string, string>, args: string[]): Promise<CliResult> =>
  withEnv(vars, () => runCli(args));

/** A fresh folder, removed after the test file. */
export function tempDir(prefix = 'warden-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Every row of every table, to prove a refused import changed nothing. */
export function dumpDb(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    return tables
      .map(
        (t) =>
          `${t}:${JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).raw().all(), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v))}`,
      )
      .join('\n');
  } finally {
    db.close();
  }
}

export const line = (o: unknown): string => JSON.stringify(o);

export const employee = (id: string, extra: object = {}): string =>
  line({
    v: 1,
    kind: 'employee',
    id,
    team: 'seller-support',
    role: 'agent',
    site: 'Dublin',
    ...extra,
  });

export const event = (id: string, extra: object = {}): string =>
  line({
    v: 1,
    kind: 'event',
    id,
    time: '2026-03-02T09:14:05Z',
    actor: 'e-1',
    action: 'seller.metrics.view',
    target: { type: 'seller', id: 's-1' },
    ...extra,
  });
