import { randomBytes } from 'node:crypto';
import { DEFAULT_DESIGN, codeParameters } from './tardos-design.js';
import { TardosCode } from './tardos-code.js';
import { fingerprintTable } from './fingerprint-embed.js';
import { FingerprintError } from './fingerprint-errors.js';
import { isTotalRow, readMetricsTable, type MetricsTable } from './fingerprint-table.js';
import { EXPORT_SCHEME, type ExportRecord } from './trace-export-receipts.js';

/** Figures fingerprinted for one recipient, and the record its request's event carries. */
export interface PreparedExport {
  readonly table: MetricsTable;
  /** What the guard is asked about: the rows of figures (totals aside) and their fields. */
  readonly rows: number;
  readonly fields: readonly string[];
  /** The recipient's copy: handed out only when the guard allows it. */
  readonly csv: string;
  /** Ledgered with the request (id, code, columns, the copy's SHA-256): what tracing reads. */
  readonly record: ExportRecord;
}

/**
 * Reads a table of figures (CSV: seller, period, figure columns) and fingerprints it for
 * `recipient` under the default code design, with `key` (`fingerprintKey`). With `seller`,
 * figures of any other seller are refused (`TABLE_INVALID`): the guard decides on one seller.
 * Nothing is written: the caller asks the guard with `rows`, `fields` and `record`, and
 * hands `csv` out only when it allows.
 */
export function prepareExport(
  key: Buffer,
  text: string,
  file: string,
  recipient: string,
  seller?: string,
): PreparedExport {
  const table = readMetricsTable(text, file);
  if (seller !== undefined) {
    const other = table.rows.map((r) => r.cells[table.seller]!.trim()).find((s) => s !== seller);
    if (other !== undefined)
      throw new FingerprintError(
        'TABLE_INVALID',
        `${file} holds figures of seller ${other}, not only of ${seller}`,
      );
  }
  const parameters = codeParameters(DEFAULT_DESIGN);
  const marked = fingerprintTable(table, new TardosCode(key, parameters), recipient);
  return {
    table,
    rows: table.rows.filter((r) => !isTotalRow(table, r)).length,
    fields: table.metrics.map((m) => m.header),
    csv: marked.csv,
    record: {
      id: `x-${randomBytes(8).toString('hex')}`,
      scheme: EXPORT_SCHEME,
      design: { ...DEFAULT_DESIGN },
      length: parameters.length,
      columns: { ...marked.columns },
      marked: marked.marked,
      sha256: marked.sha256,
    },
  };
}
