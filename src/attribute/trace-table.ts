import type { Store } from '../store/index.js';
import { readLeak, type LeakReading } from './trace-export-read.js';
import { exportReceipts, type ExportReceipt } from './trace-export-receipts.js';
import { traceLeak, type Accused, type TraceResult } from './trace-export.js';

/** A leaked table traced against every fingerprinted export the ledger records. */
export interface TableTrace {
  /** Export records that parse (their recipients are the ones scored). */
  readonly exports: number;
  /** Export records that do not parse: counted, never trusted (`warden ledger verify`). */
  readonly malformed: number;
  /** Absent when there is no export to trace against (nothing was read). */
  readonly reading?: LeakReading;
  /** One per code design the exports were made under. */
  readonly traces: readonly TraceResult[];
  readonly accused: readonly Accused[];
}

/**
 * `warden trace export` (and `POST /v1/attribution/exports`): reads a leaked table against
 * the columns exports had, scores every recipient under each code design, and names those
 * beyond the thresholds. `key` (the fingerprint key, `fingerprintKey`) is read only when there
 * is an export to trace against. A table that cannot be read is `FingerprintError`.
 */
export async function traceTable(
  store: Store,
  key: () => Buffer,
  text: string,
  file: string,
): Promise<TableTrace> {
  const { receipts, malformed } = await exportReceipts(store);
  if (receipts.length === 0) return { exports: 0, malformed, traces: [], accused: [] };
  const reading = readLeak(text, file, knownColumns(receipts));
  const secret = key();
  const traces = byDesign(receipts).map((group) =>
    traceLeak(secret, group[0]!.record.design, group, reading.bits),
  );
  return {
    exports: receipts.length,
    malformed,
    reading,
    traces,
    accused: traces.flatMap((t) => t.accused),
  };
}

/** Each exported field and the decimals its figures were shown with. */
function knownColumns(receipts: readonly ExportReceipt[]): Map<string, Set<number>> {
  const known = new Map<string, Set<number>>();
  for (const r of receipts)
    for (const [field, decimals] of Object.entries(r.record.columns))
      known.set(field, (known.get(field) ?? new Set()).add(decimals));
  return known;
}

/** Receipts grouped by the code design they were made under (one group, unless it changed). */
function byDesign(receipts: readonly ExportReceipt[]): ExportReceipt[][] {
  const groups = new Map<string, ExportReceipt[]>();
  for (const r of receipts) {
    const k = JSON.stringify([r.record.design, r.record.length]);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()];
}
