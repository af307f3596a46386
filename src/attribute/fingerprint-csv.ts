/** One CSV record and the line it starts on (1-based). */
export interface CsvRow {
  readonly line: number;
  readonly cells: string[];
}

/** Why a text is not CSV, and where. */
export class CsvProblem extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses CSV as RFC 4180 has it (quoted fields, `""` for a quote, CRLF or LF, line breaks
 * inside quotes), tolerating what spreadsheets write (a byte-order mark, a last line without
 * a break, blank lines, which are skipped). Throws `CsvProblem` naming the line of an
 * unterminated quote, of text after a closing quote, or of a NUL byte (a binary file).
 */
export function parseCsv(text: string): CsvRow[] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let line = 1;
  let cells: string[] = [];
  let cell = '';
  let start = 1;
  let i = 0;
  const endRow = (): void => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') rows.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\0') throw new CsvProblem(line, 'a NUL byte: this is not a text file');
    if (ch === '"' && cell === '') {
      const opened = line;
      i++;
      for (;;) {
        if (i >= src.length) throw new CsvProblem(opened, 'a quoted field is never closed');
        const q = src[i]!;
        if (q === '"' && src[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (q === '"') {
          i++;
          break;
        } else {
          if (q === '\n') line++;
          cell += q;
          i++;
        }
      }
      const next = src[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        throw new CsvProblem(
          line,
          `text after a closing quote: ${JSON.stringify(src.slice(i, i + 12))}`,
        );
      continue;
    }
    if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      start = line;
    } else cell += ch;
    i++;
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

/** One CSV field, quoted when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Rows as CSV text with LF line ends. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
