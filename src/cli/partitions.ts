import { join } from 'node:path';
import { parsePartitionList } from '../stream/index.js';
import { UsageError } from './exit.js';
import { resolveTargetKeyDir, type StoreTarget } from './store-target.js';
import { wireTarget, type Wired } from './wiring.js';

/**
 * Where partition `p`'s ledger lives: on PostgreSQL the schema `<schema>_p<p>` beside the
 * base schema, on SQLite the file `<name>.p<p><ext>` beside the base file. Each has its own
 * key folder, `<keydir>/partition-<p>`: its own ledger key, so its checkpoints name their own
 * log (one origin per partition), and its own master key unless `WARDEN_KEY` gives one.
 */
export function partitionTarget(base: StoreTarget, p: number): StoreTarget {
  if (base.kind === 'sqlite') {
    const m = /^(.*?)(\.[^./\\]*)?$/.exec(base.path)!;
    return { kind: 'sqlite', path: `${m[1]}.p${p}${m[2] ?? ''}` };
  }
  const url = new URL(base.url);
  const schema = url.searchParams.get('schema') ?? 'warden';
  url.searchParams.set('schema', `${schema}_p${p}`);
  const label = new URL(base.label);
  label.searchParams.set('schema', `${schema}_p${p}`);
  return { kind: 'postgres', url: url.toString(), label: label.toString() };
}

export function partitionKeyDir(base: StoreTarget, p: number): string {
  return join(resolveTargetKeyDir(base), `partition-${p}`);
}

/** Opens partition `p`'s store, ledger and keys. */
export function wirePartition(base: StoreTarget, p: number): Promise<Wired> {
  return wireTarget(partitionTarget(base, p), partitionKeyDir(base, p));
}

/** `--partitions 0,1` or `0-3`, as a usage error naming the flag when bad. */
export function partitionsFlag(text: string, count?: number): number[] {
  try {
    return parsePartitionList(text, count);
  } catch (error) {
    throw new UsageError(`--partitions ${text}: ${(error as Error).message}`);
  }
}

/** `--nats URL`, else `WARDEN_NATS_URL`, else a usage error. */
export function resolveNatsUrl(flag: string | undefined, env = process.env): string {
  const url = flag ?? env['WARDEN_NATS_URL'];
  if (url === undefined || url === '')
    throw new UsageError(
      'say where NATS is: --nats URL or WARDEN_NATS_URL (e.g. nats://127.0.0.1:4222)',
    );
  return url;
}
