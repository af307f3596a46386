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
 * The records of every partition ledger in the stream's order (by sequence number): the
 * events of every partition, the directory records of partition 0 (each partition holds the
 * same copies, in the same order). An event id seen in two partitions (two actors claimed it)
 * is taken once, at its first place, as a single ledger stores a repeated id once.
 */
export async function mergedRecords(
  partitions: readonly number[],
  db?: string,
): Promise<InterchangeRecord[]> {
  const base = resolveStoreTarget(db);
  if (partitions[0] !== 0)
    throw new UsageError(
      '--partitions: the merge needs partition 0 (it holds the directory as every partition does) and every other',
    );
  const placed: Placed[] = [];
  for (const p of partitions) {
    const w = await wirePartition(base, p);
    try {
      const at = new Map((await w.store.streamPositions.all()).map((r) => [r.leaf, r.seq]));
      // reviewer records hold personal data, which detection never reads
      for await (const chunk of w.store.ledger.recordChunks(0, w.ledger.size, ['reviewer'])) {
        for (const { leaf, record } of chunk) {
          if (p !== 0 && record.kind !== 'event') continue;
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
  const engine = new DetectionEngine(loadOrgProfile(targetLabel(base), flags.org));
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
