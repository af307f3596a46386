import { Readable } from 'node:stream';
import { join } from 'node:path';
import { importSource, type LineSource } from '../../ingest/index.js';
import type { StreamPosition } from '../../store/index.js';
import {
  openJetStream,
  type Delivery,
  type EventStream,
  type PartitionConsumer,
} from '../../stream/index.js';
import type { Io } from '../io.js';
import { partitionsFlag, resolveNatsUrl, wirePartition } from '../partitions.js';
import { resolveStoreTarget, resolveTargetKeyDir, type StoreTarget } from '../store-target.js';
import { wireTarget, type Wired } from '../wiring.js';
import { PartitionLog } from '../partition-log.js';
import { wholeNumber } from '../read-input.js';
import { runDetection } from './detect.js';

export interface WorkerFlags {
  readonly partitions: string;
  readonly db?: string;
  readonly nats?: string;
  readonly stream?: string;
  readonly batch?: string;
  /** Run detection on the partition's ledger after every N batches (0, the default: never). */
  readonly detectEvery?: string;
  /** Stop once every partition's backlog is empty (else run until SIGINT or SIGTERM). */
  readonly drain?: boolean;
  readonly rejects?: string;
}

interface PartitionRun {
  readonly partition: number;
  batches: number;
  leaves: number;
  redelivered: number;
}

/**
 * `warden worker --partitions 0,1`: a durable consumer per partition, each feeding its own
 * ledger. A batch of messages is imported as one atomic batch (the rules of `warden ingest`,
 * invalid lines left out to a rejects file) with each new leaf's stream position in the same
 * transaction; the messages are acknowledged only after that commit. A message delivered again
 * (the worker died between commit and acknowledgement) is at or below the highest sequence
 * number the ledger records, and skipped; an event id seen before is a duplicate, stored once.
 */
export async function workerCommand(flags: WorkerFlags, io: Io): Promise<number> {
  const base = resolveStoreTarget(flags.db);
  const stream = await openJetStream({
    url: resolveNatsUrl(flags.nats),
    stream: flags.stream ?? 'warden',
  });
  const partitions = partitionsFlag(flags.partitions, stream.partitions);
  let stopping = false;
  const stop = (): void => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const top = await wireTarget(base, resolveTargetKeyDir(base));
  try {
    const log = new PartitionLog(top, stream.stream);
    const runs = await Promise.all(
      partitions.map((p) => runPartition(base, p, stream, log, flags, io, () => stopping)),
    );
    for (const r of runs)
      io.out(
        `partition ${r.partition}: ${r.batches} batch(es), ${r.leaves} leaves, ${r.redelivered} redelivered message(s) skipped\n`,
      );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await top.close();
    await stream.close();
  }
  return 0;
}

async function runPartition(
  base: StoreTarget,
  p: number,
  stream: EventStream & { stream: string },
  log: PartitionLog,
  flags: WorkerFlags,
  io: Io,
  stopping: () => boolean,
): Promise<PartitionRun> {
  const run: PartitionRun = { partition: p, batches: 0, leaves: 0, redelivered: 0 };
  const max = wholeNumber(flags.batch ?? '1000', '--batch');
  const detectEvery = wholeNumber(flags.detectEvery ?? '0', '--detect-every');
  const w = await wirePartition(base, p);
  try {
    let applied = await w.store.streamPositions.lastSeq();
    const consumer = await stream.consumer(p, applied);
    // a worker killed after its commit and before the top log took the checkpoint records it now
    let logged = recordLatest(log, p, w);
    logged.catch(() => undefined); // its failure is seen where it is awaited
    const fetch = fetcher(consumer, max, flags.drain ?? false);
    let ahead = fetch();
    while (!stopping()) {
      const got = await ahead;
      if (got.length === 0 && flags.drain && (await consumer.backlog()) === 0) break;
      // the next batch travels from the server while this one is imported
      ahead = fetch();
      ahead.catch(() => undefined); // its failure is seen where it is awaited
      if (got.length === 0) continue;
      const fresh = got.filter((d) => d.seq > applied);
      run.redelivered += got.length - fresh.length;
      if (fresh.length > 0) {
        run.leaves += await applyBatch(w, stream.stream, p, fresh, flags.rejects ?? '.');
        applied = fresh[fresh.length - 1]!.seq;
        run.batches++;
        await logged; // the previous batch's checkpoint, written while this batch was imported
        logged = recordLatest(log, p, w);
        logged.catch(() => undefined); // its failure is seen where it is awaited
        if (detectEvery > 0 && run.batches % detectEvery === 0) await runDetection(w);
      }
      await acknowledge(consumer, got);
      io.out(`partition ${p}: through message ${applied}, ledger size ${w.ledger.size}\n`);
    }
    await logged;
    // fetched ahead and never applied: left unacknowledged, so delivered again to the next worker
    await ahead;
  } finally {
    await w.close();
  }
  return run;
}

/**
 * The next batch of messages. Draining, it asks for no more than the server said were left
 * (each delivery carries that count), so that the last, short batch is not held until the
 * fetch expires, and asks nothing when none were left (the caller then checks the backlog);
 * running on, it waits up to a second for a full batch.
 */
function fetcher(
  consumer: PartitionConsumer,
  max: number,
  drain: boolean,
): () => Promise<Delivery[]> {
  if (!drain) return () => consumer.next(max, 1000);
  let left: number | undefined;
  return async () => {
    if (left === 0) {
      left = undefined; // the next call waits on the server again
      return [];
    }
    const got = await consumer.next(Math.min(max, left ?? max), 1000);
    left = got.length === 0 ? undefined : got[got.length - 1]!.pending;
    return got;
  };
}

/**
 * Hands the partition's newest checkpoint to the top-level log. It is read now, between
 * batches, where it is committed; the top log writes it while the next batch is imported.
 */
async function recordLatest(log: PartitionLog, p: number, w: Wired): Promise<void> {
  const cp = await w.store.ledger.latestCheckpoint();
  if (cp !== undefined) await log.record(p, cp);
}

async function acknowledge(consumer: PartitionConsumer, got: readonly Delivery[]): Promise<void> {
  await consumer.ackThrough(got[got.length - 1]!);
}

/**
 * Imports the messages as one batch and records where each new leaf came from, in the same
 * transaction. Returns the number of new leaves.
 */
async function applyBatch(
  w: Wired,
  stream: string,
  p: number,
  batch: readonly Delivery[],
  rejectsDir: string,
): Promise<number> {
  const first = batch[0]!.seq;
  const last = batch[batch.length - 1]!.seq;
  const name = `nats:${stream}.${p} ${first}-${last}`;
  // one message is one line: a line break inside one (never sent by a Warden publisher) would
  // shift every later line's message, so such a message becomes a line the parser refuses
  const text = batch.map((d) => (/[\n\r]/.test(d.line) ? '"a message with a line break"' : d.line));
  const source: LineSource = {
    name,
    open: () => Readable.from([Buffer.from(`${text.join('\n')}\n`)]),
  };
  const positions: StreamPosition[] = [];
  let leaf = w.ledger.size;
  const report = await importSource(w.store, w.ledger, w.vault, source, {
    skipInvalid: true,
    rejectsPath: join(rejectsDir, `${stream}-p${p}-${first}.rejects.ndjson`),
    now: w.now,
    emailHashes: w.emailHashes,
    onLeaf: (line) => {
      const d = batch[line - 1]!;
      positions.push({ leaf: leaf++, seq: d.seq });
    },
    beforeCommit: (tx) => tx.putStreamPositions(positions),
  });
  return report.events + report.directoryVersions;
}
