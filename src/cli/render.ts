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

/** A cross table: one row per `row` value, one column per `col` value, counts in the cells. */
export function pivot<T>(
  items: readonly T[],
  row: (t: T) => string,
  col: (t: T) => string,
  value: (t: T) => number,
  corner: string,
): string {
  const cols = [...new Set(items.map(col))].sort();
  const rows = [...new Set(items.map(row))].sort();
  const cell = new Map(items.map((t) => [`${row(t)}\u0000${col(t)}`, value(t)]));
  const body = rows.map((r) => {
    const values = cols.map((c) => cell.get(`${r}\u0000${c}`) ?? 0);
    return [r, ...values, values.reduce((a, b) => a + b, 0)];
  });
  return table([corner, ...cols, 'total'], body);
}
