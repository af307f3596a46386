import { readFileSync } from 'node:fs';
import type pg from 'pg';

/**
 * CPU seconds, the measure a loaded machine does not distort as it does wall time: this
 * process's (every thread: parsing, the sealing and hashing threads, the collector) and a
 * PostgreSQL server process's, read from `/proc` (the server on this machine; `undefined` when
 * it is elsewhere or `/proc` cannot be read).
 */
export function processCpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The CPU seconds a server process (one connection's backend) has used so far. */
export function backendCpu(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after the parenthesised name: state, then utime and stime at fields 12 and 13 (1-based 14, 15)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** The backend of the connection that named itself `name` (`application_name`), if it is up. */
export async function backendOf(client: pg.Client, name: string): Promise<number | undefined> {
  const { rows } = await client.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [name],
  );
  return rows.length === 1 ? rows[0]!.pid : undefined;
}

/** `b − a` when both are known. */
export function spent(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : b - a;
}

/** Seconds with two decimals, or `n/a`. */
export function fmtCpu(seconds: number | undefined): string {
  return seconds === undefined ? 'n/a' : `${seconds.toFixed(2)} s`;
}
