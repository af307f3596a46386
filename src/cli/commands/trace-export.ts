import pc from 'picocolors';
import {
  exportReceipts,
  fingerprintKey,
  readLeak,
  traceLeak,
  type ExportReceipt,
  type LeakReading,
  type TraceResult,
} from '../../attribute/index.js';
import { readMasterKey } from '../../privacy/index.js';
import { EXIT } from '../exit.js';
import type { Io } from '../io.js';
import { keyFile, resolveKeyDir } from '../paths.js';
import { readTextFile } from '../read-input.js';
import type { ReadWired } from '../read-only.js';
import { heading, json, table } from '../render.js';

/**
 * `warden trace export LEAKED.csv`: reads a leaked table, scores every recipient of a
 * fingerprinted export, and names those above the threshold with their scores and the bound
 * on accusing an innocent. Exit 0 when someone is accused, 1 when nobody can be, 2 when the
 * file cannot be read.
 */
export async function traceExportCommand(
  w: ReadWired,
  file: string,
  o: { json?: boolean },
  io: Io,
): Promise<number> {
  const text = readTextFile(file);
  const { receipts, malformed } = await exportReceipts(w.store);
  if (malformed > 0)
    io.err(
      `warden: ignored ${malformed} export record(s) that do not parse (run warden ledger verify)\n`,
    );
  if (receipts.length === 0) {
    if (o.json) io.out(`${json({ file, exports: 0, accused: [] })}\n`);
    else io.out('no fingerprinted export in the ledger: there is nobody to trace\n');
    return EXIT.finding;
  }
  const reading = readLeak(text, file, knownColumns(receipts));
  const key = fingerprintKey(readMasterKey(keyFile(resolveKeyDir(w.dbPath), 'master.key')));
  const traces: TraceResult[] = [];
  for (const group of byDesign(receipts))
    traces.push(traceLeak(key, group[0]!.record.design, group, reading.bits));
  const accused = traces.flatMap((t) => t.accused);
  const { bits, ...summary } = reading;
  if (o.json)
    io.out(`${json({ file, reading: { ...summary, bits: bits.length }, traces, accused })}\n`);
  else io.out(describe(file, reading, traces));
  return accused.length > 0 ? EXIT.ok : EXIT.finding;
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

function describe(file: string, reading: LeakReading, traces: readonly TraceResult[]): string {
  const erased = Object.entries(reading.erased).filter(([, n]) => n > 0);
  const lines = [
    `${file}: ${reading.figures} figures in ${reading.columns.join(', ')}${reading.ignored.length > 0 ? ` (ignored: ${reading.ignored.join(', ')})` : ''}; ${reading.bits.length} carry a bit${erased.length > 0 ? `; none from ${erased.map(([why, n]) => `${n} ${why}`).join(', ')}` : ''}`,
  ];
  for (const t of traces) {
    lines.push(
      `code: symmetric Tardos, m = ${t.length} positions for n = ${t.design.recipients}, c = ${t.design.coalition}, ε = ${t.design.epsilon}; the leak covers ${t.positions} (${Math.round((100 * t.positions) / t.length)} %)${t.ties > 0 ? `, ${t.ties} tied` : ''}`,
      `scored ${t.recipients} recipient(s); thresholds Z = ${t.threshold.toFixed(1)} and ${t.lowerThreshold.toFixed(1)}: a given innocent passes either with probability ≤ ${t.perInnocent.toExponential(1)}, anyone innocent with ≤ ${t.bound.toExponential(1)}`,
    );
    if (t.accused.length > 0) {
      lines.push(
        heading('Accused'),
        table(
          ['recipient', 'score', 'innocent chance ≤', 'exports received'],
          t.accused.map((a) => [
            pc.bold(a.recipient) + (a.inverted ? ' (every figure moved: a flipped copy)' : ''),
            Number(a.score.toFixed(1)),
            a.innocentChance.toExponential(1),
            a.exports.join(' '),
          ]),
        ),
      );
    } else if (t.positions === 0)
      lines.push('nobody accused: no figure of the leak carries a readable bit');
    else
      lines.push(
        `nobody accused: the highest score was ${t.highestOther?.toFixed(1) ?? 'none'}; a leak needs about m positions to convict a coalition of c`,
      );
  }
  return `${lines.join('\n')}\n`;
}
