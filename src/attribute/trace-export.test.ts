import { describe, expect, it } from 'vitest';
import { fingerprintTable } from './fingerprint-embed.js';
import { formatCsv } from './fingerprint-csv.js';
import { fromUnits, toUnits } from './fingerprint-figures.js';
import { readMetricsTable } from './fingerprint-table.js';
import { cellsOf, figuresCsv, seeded } from './fingerprint-test-support.js';
import { TardosCode } from './tardos-code.js';
import { codeParameters, DEFAULT_DESIGN } from './tardos-design.js';
import { traceLeak } from './trace-export.js';
import { readLeak } from './trace-export-read.js';
import { EXPORT_SCHEME, type ExportReceipt } from './trace-export-receipts.js';

const key = Buffer.alloc(32, 9);
const code = new TardosCode(key, codeParameters(DEFAULT_DESIGN));
const source = figuresCsv(700, 8);
const table = readMetricsTable(source, 'figures.csv');
const decimals = [2, 0, 0, 4];
const recipients = Array.from({ length: 60 }, (_, k) => `e${k}`);
const copies = new Map(recipients.map((r) => [r, fingerprintTable(table, code, r)]));
const receipts: ExportReceipt[] = recipients.map((r, k) => ({
  record: {
    id: `x-${k}`,
    scheme: EXPORT_SCHEME,
    design: { ...DEFAULT_DESIGN },
    length: code.length,
    columns: copies.get(r)!.columns,
    marked: copies.get(r)!.marked,
    sha256: copies.get(r)!.sha256,
  },
  recipient: r,
  seller: 's1',
  eventId: `w-${k}`,
  leaf: k,
  time: '2026-01-01T00:00:00Z',
}));
const known = new Map(Object.entries(copies.get('e0')!.columns).map(([f, d]) => [f, new Set([d])]));

/** Traces a leaked CSV: the accused recipients. */
function accused(csv: string): string[] {
  const reading = readLeak(csv, 'leak.csv', known);
  const result = traceLeak(key, DEFAULT_DESIGN, receipts, reading.bits);
  return result.accused.map((a) => a.recipient);
}

/** Cell by cell, the colluders' copies mixed by `pick` (figure columns only). */
function mix(colluders: string[], pick: (values: string[], column: number) => string): string {
  const all = colluders.map((c) => cellsOf(copies.get(c)!.csv));
  const rows = all[0]!.map((row, r) =>
    r === 0 || row[1] === 'total'
      ? row
      : row.map((cell, c) =>
          c < 2
            ? cell
            : pick(
                all.map((copy) => copy[r]![c]!),
                c,
              ),
        ),
  );
  return formatCsv(rows);
}

const coalitions = [['e7'], ['e7', 'e21'], ['e7', 'e21', 'e42'], ['e7', 'e21', 'e42', 'e55']];
const expectOnlyColluders = (names: string[], among: string[]): void => {
  expect(names.length).toBeGreaterThan(0);
  for (const n of names) expect(among).toContain(n);
};

/** The value most copies show (ties: the smallest, whoever holds it). */
function majority(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

describe('traceLeak on leaked tables', () => {
  for (const colluders of coalitions) {
    describe(`when ${colluders.length} colluder(s) mix their copies cell by cell`, () => {
      it('names colluders and no innocent when they average each figure (rounded as shown)', () => {
        const leak = mix(colluders, (values, c) => {
          const d = decimals[c - 2]!;
          const mean = values.reduce((s, v) => s + toUnits(v, d), 0) / values.length;
          return fromUnits(Math.round(mean), d);
        });
        expectOnlyColluders(accused(leak), colluders);
      });
      it('names colluders and no innocent when each figure comes from a random copy', () => {
        const random = seeded(5 + colluders.length);
        const leak = mix(colluders, (values) => values[Math.floor(random() * values.length)]!);
        expectOnlyColluders(accused(leak), colluders);
      });
      it('names colluders and no innocent when each figure is the copies’ majority', () => {
        expectOnlyColluders(accused(mix(colluders, majority)), colluders);
      });
    });
  }

  describe('when one recipient leaks part of a copy', () => {
    it('names them from 40 % of the rows, reordered, with two columns dropped', () => {
      const rows = cellsOf(copies.get('e13')!.csv);
      const random = seeded(2);
      const kept = rows
        .slice(1)
        .filter(() => random() < 0.4)
        .sort(() => random() - 0.5)
        .map((r) => [r[3]!, r[1]!, r[0]!, r[2]!]);
      const leak = formatCsv([['units', 'period', 'seller', 'revenue'], ...kept]);
      expect(accused(leak)).toEqual(['e13']);
    });
    it('names them when revenue is rounded to whole units and units to tens (those columns are erased)', () => {
      const rows = cellsOf(copies.get('e30')!.csv).map((r, i) =>
        i === 0 || r[1] === 'total'
          ? r
          : [
              r[0]!,
              r[1]!,
              String(Math.round(Number(r[2]))),
              String(Math.round(Number(r[3]) / 10) * 10),
              r[4]!,
              r[5]!,
            ],
      );
      const reading = readLeak(formatCsv(rows), 'leak.csv', known);
      expect(reading.erased['decimals-changed']).toBeGreaterThan(600);
      expect(reading.erased['column-rounded']).toBeGreaterThan(600);
      expect(accused(formatCsv(rows))).toEqual(['e30']);
    });
  });

  describe('when a leaker moves every figure by one unit', () => {
    it('names them as the holder of a flipped copy', () => {
      const rows = cellsOf(copies.get('e50')!.csv).map((r, i) =>
        i === 0 || r[1] === 'total'
          ? r
          : r.map((cell, c) => {
              if (c < 2) return cell;
              const u = toUnits(cell, decimals[c - 2]!);
              return u === 0 ? cell : fromUnits(u === -1 ? -2 : u + 1, decimals[c - 2]!);
            }),
      );
      const reading = readLeak(formatCsv(rows), 'leak.csv', known);
      const result = traceLeak(key, DEFAULT_DESIGN, receipts, reading.bits);
      expect(result.accused.map((a) => [a.recipient, a.inverted])).toEqual([['e50', true]]);
    });
  });

  describe('when someone without the key forges a copy to frame a recipient', () => {
    it('accuses nobody: a codeword made under another key is noise to the real one', () => {
      const forger = new TardosCode(Buffer.alloc(32, 10), codeParameters(DEFAULT_DESIGN));
      expect(accused(fingerprintTable(table, forger, 'e5').csv)).toEqual([]);
    });
  });

  describe('when nothing in the leak comes from a copy', () => {
    it('accuses nobody from the unmarked figures', () => {
      expect(accused(source)).toEqual([]);
    });
    it('accuses nobody innocent when a leaker moves every figure by one unit at random (the escape)', () => {
      const random = seeded(12);
      const rows = cellsOf(copies.get('e3')!.csv).map((r, i) =>
        i === 0 || r[1] === 'total'
          ? r
          : r.map((cell, c) => {
              if (c < 2) return cell;
              const d = decimals[c - 2]!;
              const u = toUnits(cell, d);
              return u === 0
                ? cell
                : fromUnits(u + (random() < 0.5 ? 1 : -1) * (random() < 0.5 ? 1 : 0), d);
            }),
      );
      for (const name of accused(formatCsv(rows))) expect(name).toBe('e3');
    });
  });
});
