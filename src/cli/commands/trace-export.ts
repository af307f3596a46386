import pc from 'picocolors';
import {
  fingerprintKey,
  traceTable,
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
  const key = (): Buffer =>
    fingerprintKey(readMasterKey(keyFile(resolveKeyDir(w.dbPath), 'master.key')));
  const { exports, malformed, reading, traces, accused } = await traceTable(
    w.store,
    key,
    text,
    file,
  );
  if (malformed > 0)
    io.err(
      `warden: ignored ${malformed} export record(s) that do not parse (run warden ledger verify)\n`,
    );
  if (exports === 0 || reading === undefined) {
    if (o.json) io.out(`${json({ file, exports: 0, accused: [] })}\n`);
    else io.out('no fingerprinted export in the ledger: there is nobody to trace\n');
    return EXIT.finding;
  }
  const { bits, ...summary } = reading;
  if (o.json)
    io.out(`${json({ file, reading: { ...summary, bits: bits.length }, traces, accused })}\n`);
  else io.out(describe(file, reading, traces));
  return accused.length > 0 ? EXIT.ok : EXIT.finding;
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
