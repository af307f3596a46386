import { CsvProblem, parseCsv, type CsvRow } from './fingerprint-csv.js';
import { FingerprintError } from './fingerprint-errors.js';
import { cellKey, parityOf, toUnits } from './fingerprint-figures.js';
import { decimalsOf, fieldName, labelColumns } from './fingerprint-table.js';

/** One cell's bit, read from a leak. */
export interface LeakBit {
  readonly cell: string;
  readonly bit: 0 | 1;
}

/** What a leak gave: the bits it carries and why other figures carry none. */
export interface LeakReading {
  readonly bits: readonly LeakBit[];
  /** Figure cells in known columns. */
  readonly figures: number;
  /** Figures that carry no bit, by reason. */
  readonly erased: Readonly<Record<ErasureReason, number>>;
  /** Known columns read, and columns no export ever had (ignored). */
  readonly columns: readonly string[];
  readonly ignored: readonly string[];
}

export type ErasureReason = 'not-a-figure' | 'decimals-changed' | 'zero' | 'column-rounded';

/** Figures a column of this many or more, all multiples of ten, was rounded (chance 10⁻⁸). */
const ROUNDED_COLUMN = 8;

/**
 * Reads a leaked table: the header (within its first five lines) must name a seller and a
 * period column; every other column whose name an export had is read, in any order, with
 * rows in any order, partial or repeated. A figure gives its cell's bit (the parity of its
 * last unit) unless it cannot: not a figure any more, shown with other decimals than the
 * export had (rounded, or trailing zeros dropped), zero (never marked), or in a column where
 * every figure is a multiple of ten (rounded to tens). `known` maps field names to the
 * decimals exports showed them with.
 */
export function readLeak(
  text: string,
  file: string,
  known: ReadonlyMap<string, ReadonlySet<number>>,
): LeakReading {
  const rows = parseLeak(text, file);
  const at = rows.slice(0, 5).findIndex((r) => {
    const l = labelColumns(r.cells);
    return l.seller >= 0 && l.period >= 0;
  });
  if (at < 0)
    throw unreadable(
      file,
      rows[0]?.line ?? 1,
      'no header line with a seller and a period column in the first five lines: the cells cannot be placed',
    );
  const head = rows[at]!;
  const { seller, period } = labelColumns(head.cells);
  const fields = head.cells.map(fieldName);
  const columns = fields.flatMap((f, i) =>
    i !== seller && i !== period && known.has(f) ? [i] : [],
  );
  const ignored = head.cells.filter((_, i) => i !== seller && i !== period && !columns.includes(i));
  if (columns.length === 0)
    throw unreadable(
      file,
      head.line,
      `no column any export had (exported: ${[...known.keys()].join(', ') || 'nothing yet'})`,
    );
  return {
    ...readCells(rows.slice(at + 1), { seller, period, columns, fields }, known),
    columns: columns.map((i) => fields[i]!),
    ignored,
  };
}

function readCells(
  rows: readonly CsvRow[],
  t: { seller: number; period: number; columns: number[]; fields: string[] },
  known: ReadonlyMap<string, ReadonlySet<number>>,
): Omit<LeakReading, 'columns' | 'ignored'> {
  const erased: Record<ErasureReason, number> = {
    'not-a-figure': 0,
    'decimals-changed': 0,
    zero: 0,
    'column-rounded': 0,
  };
  const perColumn = new Map<number, { bits: LeakBit[]; tens: number }>(
    t.columns.map((c) => [c, { bits: [], tens: 0 }]),
  );
  let figures = 0;
  for (const row of rows) {
    const sellerId = row.cells[t.seller]?.trim() ?? '';
    const periodId = row.cells[t.period]?.trim() ?? '';
    if (sellerId === '' || periodId === '' || fieldName(periodId) === 'total') continue;
    for (const c of t.columns) {
      const raw = row.cells[c]?.trim() ?? '';
      if (raw === '') continue;
      figures++;
      const figure = raw.replace(/[\s,_'$€£]/g, '');
      if (!/^-?\d{1,15}(\.\d{1,15})?$/.test(figure)) {
        erased['not-a-figure']++;
        continue;
      }
      const field = t.fields[c]!;
      const decimals = decimalsOf(figure);
      if (!known.get(field)!.has(decimals)) {
        erased['decimals-changed']++;
        continue;
      }
      const units = toUnits(figure, decimals);
      if (units === 0) {
        erased.zero++;
        continue;
      }
      const col = perColumn.get(c)!;
      if (units % 10 === 0) col.tens++;
      col.bits.push({ cell: cellKey(sellerId, periodId, field), bit: parityOf(units) });
    }
  }
  const bits: LeakBit[] = [];
  for (const col of perColumn.values()) {
    if (col.bits.length >= ROUNDED_COLUMN && col.tens === col.bits.length)
      erased['column-rounded'] += col.bits.length;
    else bits.push(...col.bits);
  }
  return { bits, figures, erased };
}

function parseLeak(text: string, file: string): CsvRow[] {
  try {
    const rows = parseCsv(text);
    if (rows.length === 0) throw unreadable(file, 1, 'the file is empty');
    return rows;
  } catch (error) {
    if (error instanceof CsvProblem) throw unreadable(file, error.line, error.message);
    throw error;
  }
}

function unreadable(file: string, line: number, what: string): FingerprintError {
  return new FingerprintError('LEAK_UNREADABLE', `${file} line ${line}: ${what}`);
}
