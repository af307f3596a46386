import { CsvProblem, parseCsv, type CsvRow } from './fingerprint-csv.js';
import { FingerprintError } from './fingerprint-errors.js';

/** A column of figures: its header, its field name as the guard compares them, its decimals. */
export interface MetricColumn {
  readonly index: number;
  readonly header: string;
  readonly field: string;
  readonly decimals: number;
}

/**
 * A seller-metrics table as the marketplace's systems hand it to Warden for export: a header,
 * a seller column, a period column (a row whose period is `total` is a total row), and
 * columns of figures (whole numbers or decimals, possibly empty).
 */
export interface MetricsTable {
  readonly header: readonly string[];
  readonly seller: number;
  readonly period: number;
  readonly metrics: readonly MetricColumn[];
  readonly rows: readonly CsvRow[];
}

const SELLER_NAMES = ['seller', 'sellerid'];
const PERIOD_NAMES = ['period', 'month', 'week', 'day', 'date'];
/** A figure as it is given: an optional minus, digits, optional decimals (15 digits at most). */
const FIGURE = /^-?\d+(\.\d+)?$/;

/** A header or field name as the guard compares them: lower case, no `_ - .` or spaces. */
export function fieldName(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_.-]+/gu, '');
}

/** Whether a row is a total row (its period reads `total`). */
export function isTotalRow(table: Pick<MetricsTable, 'period'>, row: CsvRow): boolean {
  return fieldName(row.cells[table.period] ?? '') === 'total';
}

/** The seller and period columns of a header, by name (either may be missing: −1). */
export function labelColumns(header: readonly string[]): { seller: number; period: number } {
  const names = header.map(fieldName);
  return {
    seller: names.findIndex((n) => SELLER_NAMES.includes(n)),
    period: names.findIndex((n) => PERIOD_NAMES.includes(n)),
  };
}

/**
 * Reads the figures to export, strictly: every problem names the file, line and column.
 * Each figure column keeps the most decimals any of its figures shows (the export shows
 * every figure of a column with as many).
 */
export function readMetricsTable(text: string, file: string): MetricsTable {
  const rows = parseOrThrow(text, file);
  const [head, ...body] = rows;
  if (!head) throw bad(file, 1, 'the table is empty: expected a header line');
  const { seller, period } = labelColumns(head.cells);
  if (seller < 0 || period < 0)
    throw bad(
      file,
      head.line,
      `the header needs a seller column (${SELLER_NAMES.join(' or ')}) and a period column (${PERIOD_NAMES.join(', ')})`,
    );
  checkHeader(head, file);
  const metrics = head.cells.flatMap((h, index) =>
    index === seller || index === period
      ? []
      : [{ index, header: h, field: fieldName(h), decimals: 0 }],
  );
  if (metrics.length === 0)
    throw bad(file, head.line, 'no column of figures besides seller and period');
  const keys = new Set<string>();
  for (const row of body) checkRow(row, head.cells.length, { seller, period, metrics }, keys, file);
  const decimals = metrics.map((m) => ({
    ...m,
    decimals: Math.max(0, ...body.map((r) => decimalsOf(r.cells[m.index]!))),
  }));
  return { header: head.cells, seller, period, metrics: decimals, rows: body };
}

function parseOrThrow(text: string, file: string): CsvRow[] {
  try {
    return parseCsv(text);
  } catch (error) {
    if (error instanceof CsvProblem) throw bad(file, error.line, error.message);
    throw error;
  }
}

function checkHeader(head: CsvRow, file: string): void {
  const seen = new Set<string>();
  for (const h of head.cells) {
    const name = fieldName(h);
    if (name === '') throw bad(file, head.line, 'a column has no name');
    if (seen.has(name)) throw bad(file, head.line, `column ${JSON.stringify(h)} appears twice`);
    seen.add(name);
  }
}

function checkRow(
  row: CsvRow,
  width: number,
  t: Pick<MetricsTable, 'seller' | 'period' | 'metrics'>,
  keys: Set<string>,
  file: string,
): void {
  if (row.cells.length !== width)
    throw bad(file, row.line, `${row.cells.length} fields where the header has ${width}`);
  const seller = row.cells[t.seller]!.trim();
  const period = row.cells[t.period]!.trim();
  if (seller === '' || period === '')
    throw bad(file, row.line, 'a row without its seller or period');
  const key = `${seller}|${period}`;
  if (keys.has(key)) throw bad(file, row.line, `seller ${seller}, period ${period} appears twice`);
  keys.add(key);
  for (const m of t.metrics) {
    const v = row.cells[m.index]!.trim();
    if (v !== '' && (!FIGURE.test(v) || v.replace(/\D/g, '').length > 15))
      throw bad(
        file,
        row.line,
        `column ${m.header}: ${JSON.stringify(v)} is not a figure (digits, an optional minus and decimals, at most 15 digits)`,
      );
  }
}

/** The decimals a figure shows (0 for an empty cell). */
export function decimalsOf(figure: string): number {
  const dot = figure.trim().indexOf('.');
  return dot < 0 ? 0 : figure.trim().length - dot - 1;
}

function bad(file: string, line: number, what: string): FingerprintError {
  return new FingerprintError('TABLE_INVALID', `${file} line ${line}: ${what}`);
}
