import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU seconds from `/proc` (Linux; `undefined` elsewhere): what a loaded machine does not
 * distort as it does wall time. Fields after the parenthesised name: utime, stime, cutime and
 * cstime are 12–15 (1-based 14–17), in USER_HZ ticks (100 a second on Linux).
 */
function ticks(pid: number | 'self', withChildren: boolean): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = f[11]! + f[12]!;
    return withChildren ? own + f[13]! + f[14]! : own;
  } catch {
    return undefined;
  }
}

/** One process's CPU seconds so far, every thread (`undefined` once it has exited). */
export function pidCpu(pid: number): number | undefined {
  const t = ticks(pid, false);
  return t === undefined ? undefined : t / 100;
}

/** CPU seconds of this process's children that have exited and been waited for. */
export function exitedChildrenCpu(): number | undefined {
  const all = ticks('self', true);
  const own = ticks('self', false);
  return all === undefined || own === undefined ? undefined : (all - own) / 100;
}

/**
 * CPU seconds of every process named `comm` (`postgres`, `nats-server`), their exited
 * children included (a PostgreSQL backend that served a finished connection is counted by
 * the postmaster that waited for it). Other clients of the same servers count too: read it on
 * a machine where the bench is the only client.
 */
export function serverCpu(comm: string): number | undefined {
  let dirs: string[];
  try {
    dirs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  let sum = 0;
  let seen = false;
  for (const d of dirs) {
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue;
    }
    const t = ticks(Number(d), true);
    if (t === undefined) continue;
    sum += t;
    seen = true;
  }
  return seen ? sum / 100 : undefined;
}
