import { createHash } from 'node:crypto';
import { formatCsv } from './fingerprint-csv.js';
import { cellKey, fromUnits, parityOf, toUnits } from './fingerprint-figures.js';
import { isTotalRow, type MetricsTable } from './fingerprint-table.js';
import type { TardosCode } from './tardos-code.js';

/** A table fingerprinted for one recipient. */
export interface FingerprintedTable {
  /** The CSV handed to the recipient. */
  readonly csv: string;
  /** Hex SHA-256 of `csv`: which file this recipient got (ledgered). */
  readonly sha256: string;
  /** Each figure column's field name and the decimals it shows. */
  readonly columns: Readonly<Record<string, number>>;
  /** Figures that carry a bit, and how many of them moved by one unit. */
  readonly marked: number;
  readonly moved: number;
}

/**
 * Embeds a recipient's codeword in a metrics table, within the declared tolerance:
 * - each non-zero figure carries the bit of its cell's code position (masked by the cell's
 *   dither) in the parity of its last shown unit: a figure whose parity already matches is
 *   unchanged, another moves by exactly one unit;
 * - a move goes up or down as the cell's key says, the same for every recipient, so that
 *   copies of a cell show only two values and colluders averaging them learn nothing more
 *   than which copies differ; it never reaches zero: a zero stays zero and nothing else
 *   becomes zero (a reader relies on "none");
 * - a total row (period `total`) carries nothing: it is the sum of the shown figures of its
 *   seller, so totals a reader checks add up exactly.
 */
export function fingerprintTable(
  table: MetricsTable,
  code: TardosCode,
  recipient: string,
): FingerprintedTable {
  const word = code.codeword(recipient);
  const sums = new Map<string, number>();
  let marked = 0;
  let moved = 0;
  const out = table.rows.map((row) => {
    if (isTotalRow(table, row)) return row.cells;
    const cells = [...row.cells];
    const seller = cells[table.seller]!.trim();
    for (const m of table.metrics) {
      const text = cells[m.index]!.trim();
      if (text === '') continue;
      let units = toUnits(text, m.decimals);
      if (units !== 0) {
        const place = code.placeOf(cellKey(seller, cells[table.period]!, m.field));
        marked++;
        if (parityOf(units) !== (word[place.position]! ^ place.dither)) {
          units += units + place.direction === 0 ? -place.direction : place.direction;
          moved++;
        }
      }
      cells[m.index] = fromUnits(units, m.decimals);
      const sumKey = `${seller}|${m.index}`;
      sums.set(sumKey, (sums.get(sumKey) ?? 0) + units);
    }
    return cells;
  });
  fillTotals(table, out, sums);
  const csv = formatCsv([table.header, ...out]);
  return {
    csv,
    sha256: createHash('sha256').update(csv).digest('hex'),
    columns: Object.fromEntries(table.metrics.map((m) => [m.field, m.decimals])),
    marked,
    moved,
  };
}

/** Total rows: the sum of the seller's shown figures in each column. */
function fillTotals(table: MetricsTable, out: string[][], sums: Map<string, number>): void {
  table.rows.forEach((row, r) => {
    if (!isTotalRow(table, row)) return;
    const seller = row.cells[table.seller]!.trim();
    for (const m of table.metrics) {
      const sum = sums.get(`${seller}|${m.index}`);
      out[r]![m.index] = sum === undefined ? '' : fromUnits(sum, m.decimals);
    }
  });
}
