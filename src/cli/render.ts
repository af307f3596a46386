import Table from 'cli-table3';
import pc from 'picocolors';

/** A table for the terminal: a header row and right-aligned numbers. */
export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({
    head: head.map((h) => pc.bold(h)),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: head.map((_, i) => (rows.every((r) => typeof r[i] === 'number') ? 'right' : 'left')),
  });
  for (const row of rows)
    t.push(row.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)));
  return t.toString();
}

/** A horizontal bar chart: one labelled bar per value, scaled to the largest. */
export function barChart(items: { label: string; value: number }[], width = 40): string {
  const max = Math.max(1, ...items.map((i) => i.value));
  const labelWidth = Math.max(0, ...items.map((i) => i.label.length));
  return items
    .map((i) => {
      const n = Math.round((i.value / max) * width);
      const bar = '█'.repeat(n) + (n === 0 && i.value > 0 ? '▏' : '');
      return `${i.label.padEnd(labelWidth)} ${pc.cyan(bar)} ${i.value.toLocaleString('en-US')}`;
    })
    .join('\n');
}

export function heading(text: string): string {
  return `\n${pc.bold(text)}`;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** How many rows and columns a cross table shows before it folds the smallest (`pivot`). */
export const PIVOT_LIMITS = { rows: 30, cols: 8 } as const;

/**
 * A cross table of counts over two dimensions (`dims`: each a name and how an item reads on
 * it). The dimension with more values runs down the side and the other across, so that an
 * organisation of hundreds of teams makes a long table, not one thousands of characters wide.
 * Past `limits.cols` column values the smallest (by total) are summed into one column, past
 * `limits.rows` row values the smallest into one row naming how many there are; nothing is
 * dropped from a total (dimension names are singular: the folded row says "… 12 more teams").
 * Values are in name order while they all fit, largest first once some are folded. `--json`
 * gives the whole list.
 */
export function pivot<T>(
  items: readonly T[],
  dims: readonly [Dimension<T>, Dimension<T>],
  value: (t: T) => number,
  limits: { readonly rows: number; readonly cols: number } = PIVOT_LIMITS,
): string {
  const [first, second] = dims;
  const totals = [totalsBy(items, first.of, value), totalsBy(items, second.of, value)] as const;
  // the dimension with more values down the side
  const [rowDim, colDim, rowTotals, colTotals] =
    totals[0].size >= totals[1].size
      ? [first, second, totals[0], totals[1]]
      : [second, first, totals[1], totals[0]];
  const rows = shown([...rowTotals], limits.rows);
  const cols = shown([...colTotals], limits.cols);
  const rowAt = new Map(rows.kept.map((k, i) => [k, i]));
  const colAt = new Map(cols.kept.map((k, i) => [k, i]));
  const width = cols.kept.length + (cols.folded > 0 ? 1 : 0);
  const height = rows.kept.length + (rows.folded > 0 ? 1 : 0);
  const cells = Array.from({ length: height }, () => new Array<number>(width).fill(0));
  for (const t of items) {
    const r = rowAt.get(rowDim.of(t)) ?? rows.kept.length;
    const c = colAt.get(colDim.of(t)) ?? cols.kept.length;
    cells[r]![c]! += value(t);
  }
  const body: (string | number)[][] = cells.map((cs, i) => [
    i < rows.kept.length
      ? rows.kept[i]!
      : `… ${rows.folded.toLocaleString('en-US')} more ${rowDim.name}s`,
    ...cs,
    cs.reduce((x, y) => x + y, 0),
  ]);
  if (rows.folded > 0) {
    const sums = new Array<number>(width).fill(0);
    for (const cs of cells) cs.forEach((n, i) => (sums[i] = sums[i]! + n));
    body.push(['total', ...sums, sums.reduce((x, y) => x + y, 0)]);
  }
  const otherCols =
    cols.folded > 0 ? [`${cols.folded.toLocaleString('en-US')} other ${colDim.name}s`] : [];
  return table([`${rowDim.name} \\ ${colDim.name}`, ...cols.kept, ...otherCols, 'total'], body);
}

/** One dimension of a cross table: its name, and an item's value on it. */
export interface Dimension<T> {
  readonly name: string;
  readonly of: (t: T) => string;
}

/** Each value of a dimension and the sum of the items that have it. */
function totalsBy<T>(
  items: readonly T[],
  of: (t: T) => string,
  value: (t: T) => number,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const t of items) {
    const k = of(t);
    totals.set(k, (totals.get(k) ?? 0) + value(t));
  }
  return totals;
}

/**
 * The values a table shows: all, in name order, when at most `limit`; else the `limit - 1`
 * largest (ties by name), largest first, and how many are folded into one.
 */
function shown(totals: [string, number][], limit: number): { kept: string[]; folded: number } {
  const byName = (x: [string, number], y: [string, number]): number =>
    x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0;
  if (totals.length <= limit) return { kept: totals.sort(byName).map(([k]) => k), folded: 0 };
  const kept = totals.sort((x, y) => y[1] - x[1] || byName(x, y)).slice(0, Math.max(1, limit - 1));
  return { kept: kept.map(([k]) => k), folded: totals.length - kept.length };
}
