import type { GuardResult, GuardVariantResult, Variant } from './guard.js';
import { fmtRate } from './stats.js';

export function printTables(
  variants: readonly Variant[],
  results: readonly GuardVariantResult[],
  kinds: GuardResult['kinds'],
): void {
  const table = (header: string[], rows: string[][]): void => {
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
    const line = (cells: readonly string[]): string =>
      `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
    console.log(line(header));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const row of rows) console.log(line(row));
  };
  console.log(
    'medians across rounds; ratios = median of the per-round ratios to casbin ABAC (same round), like-for-like only on the rows marked "same requests"; per CPU-s = decisions ÷ the process CPU time of the pass; the on-CPU row is process CPU time per decision (time descheduled left out)',
  );
  table(
    [
      'variant',
      'requests',
      'decisions',
      'decisions/s',
      'per CPU-s',
      'p50 µs',
      'p99 µs',
      'p50 ÷ casbin',
      'decisions/s ÷ casbin',
      'per CPU-s ÷ casbin',
    ],
    results.map((r, i) => {
      const wall = r.clock === 'wall';
      return [
        r.name,
        variants[i]!.note,
        r.decisions.toLocaleString('en-US'),
        wall ? fmtRate(r.perSecond) : '—',
        wall ? fmtRate(r.perCpuSecond) : '—',
        r.p50.toFixed(1),
        r.p99.toFixed(1),
        wall ? r.p50VsCasbin.toFixed(2) : '—',
        wall ? r.rateVsCasbin.toFixed(3) : '—',
        wall ? r.cpuRateVsCasbin.toFixed(3) : '—',
      ];
    }),
  );
  console.log('the default variant by request kind (medians across rounds):');
  table(
    ['kind', 'requests', 'p50 µs', 'p99 µs', 'on-CPU p50 µs', 'on-CPU p99 µs'],
    kinds.map((k) => [
      k.kind,
      k.count.toLocaleString('en-US'),
      k.p50.toFixed(1),
      k.p99.toFixed(1),
      k.cpuP50.toFixed(1),
      k.cpuP99.toFixed(1),
    ]),
  );
}
