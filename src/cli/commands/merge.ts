import { randomBytes } from 'node:crypto';
import { atLeast, type Findings, type InterchangeRecord } from '../../domain/index.js';
import { DetectionEngine } from '../../detect/index.js';
import type { Io } from '../io.js';
import { loadOrgProfile } from '../org.js';
import { partitionTarget, partitionsFlag, wirePartition } from '../partitions.js';
import { json } from '../render.js';
import { resolveStoreTarget, targetLabel } from '../store-target.js';
import { EXIT, UsageError } from '../exit.js';
import { alertsAtLeast, riskTable } from './detect.js';

interface Placed {
  readonly seq: number;
  readonly record: InterchangeRecord;
}

/**
 * The records of every partition ledger in the stream's order (by sequence number): each
 * partition holds its events and its share of the directory (every record was published to
 * one partition), so the union, sorted, is what a single store would have appended. An event
 * id seen in two partitions (two actors claimed it) is taken once, at its first place, as a
 * single ledger stores a repeated id once.
 */
export async function mergedRecords(
  partitions: readonly number[],
  db?: string,
): Promise<InterchangeRecord[]> {
  const base = resolveStoreTarget(db);
  if (partitions.some((p, i) => p !== i))
    throw new UsageError(
      `--partitions ${partitions.join(',')}: the merge needs every partition of the stream, 0 to the last (each holds a share of the directory)`,
    );
  const placed: Placed[] = [];
  for (const p of partitions) {
    const w = await wirePartition(base, p);
    try {
      const at = new Map((await w.store.streamPositions.all()).map((r) => [r.leaf, r.seq]));
      // reviewer records hold personal data, which detection never reads
      for await (const chunk of w.store.ledger.recordChunks(0, w.ledger.size, ['reviewer'])) {
        for (const { leaf, record } of chunk) {
          const seq = at.get(leaf);
          if (seq === undefined)
            throw new UsageError(
              `${targetLabel(partitionTarget(base, p))}: leaf ${leaf} has no stream position: not a partition ledger written by warden worker`,
            );
          placed.push({ seq, record });
        }
      }
    } finally {
      await w.close();
    }
  }
  placed.sort((a, b) => a.seq - b.seq);
  const out: InterchangeRecord[] = [];
  const seenEvents = new Set<string>();
  for (const { record } of placed) {
    if (record.kind === 'event') {
      if (seenEvents.has(record.body.id)) continue;
      seenEvents.add(record.body.id);
    }
    out.push(record);
  }
  return out;
}

/** `warden merge --partitions 0-3`: detection over every partition's ledger, merged. */
export async function mergeCommand(
  flags: { partitions: string; db?: string; org?: string; json?: boolean },
  io: Io,
): Promise<number> {
  const partitions = partitionsFlag(flags.partitions);
  const base = resolveStoreTarget(flags.db);
  // nothing of this engine is saved: a seed of its own keeps the stream from aiming at its hash
  const engine = new DetectionEngine(loadOrgProfile(targetLabel(base), flags.org), {
    seed: randomBytes(4).readInt32BE(0),
  });
  engine.consume(await mergedRecords(partitions, flags.db));
  const findings: Findings = engine.findings();
  const alerts = alertsAtLeast(findings, 'low');
  if (flags.json) io.out(`${json({ events: engine.events, risk: findings.risk, alerts })}\n`);
  else
    io.out(
      `${engine.events} events from partitions ${partitions.join(', ')}: ${findings.risk.length} employees with a risk score, ${alerts.length} alerts\n${riskTable(findings.risk.slice(0, 15))}\n`,
    );
  return alerts.some((a) => atLeast(a.severity, 'medium')) ? EXIT.finding : EXIT.ok;
}
