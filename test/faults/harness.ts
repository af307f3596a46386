import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { employee, event, runCli } from '../helpers.js';

export const BIN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));
export const FAULT_HOOK = fileURLToPath(new URL('./fault-hook.js', import.meta.url));
/** What `fault-hook.js` says when a command starts its work (WARDEN_TEST_MARK_START=1). */
export const WORK_STARTS = 'warden-test: work starts\n';

export interface ProcessRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  /** stderr, without the hook's start mark. */
  readonly err: string;
  readonly ms: number;
  /** When the work started (ms after spawn), with `markStart`. */
  readonly startedAt: number | undefined;
}

export interface SpawnOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** SIGKILL the process this many ms after it started (if it is still running). */
  readonly killAfterMs?: number;
  /** SIGKILL the process as soon as its stderr contains this text. */
  readonly killOn?: string;
  /** SIGKILL the process this many ms after its work starts (run it with `markStart`). */
  readonly killAfterWorkMs?: number;
  /** Load `fault-hook.js`, which marks on stderr when the work starts (`startedAt`). */
  readonly markStart?: boolean;
  /** Node flags before the script (e.g. `--import` of a test hook). */
  readonly nodeArgs?: readonly string[];
}

/** Runs `warden ARGS` as its own process, as a user would, and reports how it ended. */
export function warden(args: readonly string[], options: SpawnOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const hook = options.markStart ? ['--import', FAULT_HOOK] : [];
    const child = spawn(process.execPath, [...hook, ...(options.nodeArgs ?? []), BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NO_COLOR: '1',
        FORCE_COLOR: '0',
        ...(options.markStart ? { WARDEN_TEST_MARK_START: '1' } : {}),
        ...options.env,
      },
    });
    let out = '';
    let err = '';
    let startedAt: number | undefined;
    const kill = (): boolean => child.kill('SIGKILL');
    let workTimer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (startedAt === undefined && err.includes(WORK_STARTS)) {
        startedAt = performance.now() - started;
        if (options.killAfterWorkMs !== undefined) {
          workTimer = setTimeout(kill, options.killAfterWorkMs);
        }
      }
      if (options.killOn !== undefined && err.includes(options.killOn)) kill();
    });
    const timer =
      options.killAfterMs === undefined ? undefined : setTimeout(kill, options.killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(workTimer);
      const ms = performance.now() - started;
      resolve({ code, signal, out, err: err.replace(WORK_STARTS, ''), ms, startedAt });
    });
  });
}

/** Batch `n` of a fault run: one employee `e-n` and `events` events `bn-i` by them. */
export function writeBatch(dir: string, n: number, events: number): string {
  const path = join(dir, `batch-${n}.ndjson`);
  const lines = [employee(`e-${n}`)];
  for (let i = 0; i < events; i++) lines.push(event(`b${n}-${i}`, { actor: `e-${n}` }));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** What one database holds, batch by batch (read directly, not through Warden). */
export interface Landed {
  /** Batch number → its events stored (a whole batch has all of them and its employee). */
  readonly events: Map<number, number>;
  readonly employees: Set<number>;
  readonly ledgerSize: number;
  /** The database has its tables (a first run may have died before it made them). */
  readonly schema: boolean;
}

export function landed(db: string): Landed {
  const events = new Map<number, number>();
  const employees = new Set<number>();
  if (!existsSync(db)) return { events, employees, ledgerSize: 0, schema: false };
  // read-write, as the next Warden process would open it: after a kill, the first connection
  // may have to recover the write-ahead log's index, which a read-only one cannot do
  const conn = new Database(db, { fileMustExist: true });
  try {
    const hasSchema = conn
      .prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('events', 'meta')")
      .pluck()
      .get() as number;
    if (hasSchema < 2) return { events, employees, ledgerSize: 0, schema: false };
    const rows = conn.prepare('SELECT actor, count(*) AS n FROM events GROUP BY actor').all() as {
      actor: string;
      n: number;
    }[];
    for (const r of rows) events.set(Number(r.actor.slice(2)), r.n);
    const keys = conn
      .prepare("SELECT key FROM directory_current WHERE kind = 'employee'")
      .pluck()
      .all() as string[];
    for (const k of keys) employees.add(Number(k.slice(2)));
    const size = conn.prepare("SELECT value FROM meta WHERE key = 'ledger.size'").pluck().get();
    return { events, employees, ledgerSize: Number(size ?? 0), schema: true };
  } finally {
    conn.close();
  }
}

export interface VerifyResult {
  readonly code: number;
  readonly ok: boolean;
  readonly size: number;
  readonly err: string;
}

/** `warden ledger verify --json` (in this process: quicker than a child, same code path). */
export async function verify(db: string): Promise<VerifyResult> {
  const r = await runCli(['ledger', 'verify', '--db', db, '--json']);
  const report = r.out === '' ? undefined : (JSON.parse(r.out) as { ok: boolean; size: number });
  return { code: r.code, ok: report?.ok ?? false, size: report?.size ?? -1, err: r.err };
}

/** A message a user can act on: a `[CODE]`, no stack trace, no "unexpected failure". */
export function isCleanError(stderr: string): boolean {
  return (
    /warden: \[[A-Z_]+\] /.test(stderr) &&
    !/\n\s+at .+:\d+:\d+/.test(stderr) &&
    !stderr.includes('unexpected failure')
  );
}

/** The median of some numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
