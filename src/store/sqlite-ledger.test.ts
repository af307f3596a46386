import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AccessEvent, DirectoryKind, LeafRow } from '../domain/index.js';
import {
  EVENT_FIELDS,
  eventFields,
  feedLeaf,
  isVersionText,
  rawEventRecord,
  versionFields,
} from './sqlite-rows.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-ledger-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Strings JSON must escape, or that JSON texts get wrong: quotes, controls, astral, U+2028. */
const ODD = [
  'a"b',
  'back\\slash',
  'tab\there',
  'nl\nx',
  '\u0001\u001f\u007f',
  'é 😀',
  '\u2028\u2029',
  '</script>',
];

const event = (i: number): AccessEvent => {
  const odd = ODD[i % ODD.length]!;
  return {
    id: `ev-${i}-${odd}`,
    time: '2026-03-02T09:14:05Z',
    actor: `e-${i % 7}${odd}`,
    action: i % 2 === 0 ? 'seller.metrics.view' : 'x-odd.action',
    target: { type: 'seller', id: `s-${odd}` },
    ...(i % 3 === 0 ? { outcome: 'denied' as const } : {}),
    ...(i % 4 === 0 ? { ticket: `t-${odd}` } : {}),
    ...(i % 5 === 0 ? { context: { ip: '10.0.0.1', geo: odd, device: `d-${i}` } } : {}),
    ...(i % 6 === 0
      ? { attrs: { n: i, s: odd, yes: true, nested: { list: [1, 2.5, null] } } }
      : {}),
  };
};

/** Every record `recordChunks` gives, as JSON text (member order included), and the last leaves. */
async function read(
  store: SqliteStore,
  from: number,
  to: number,
  skip?: readonly (DirectoryKind | 'event')[],
): Promise<{ records: string; lasts: number[] }> {
  const records: unknown[] = [];
  const lasts: number[] = [];
  for await (const c of store.ledger.recordChunks(from, to, skip)) {
    records.push(...c.map((r) => r.record));
    lasts.push(c[c.length - 1]!.leaf);
  }
  return { records: JSON.stringify(records), lasts };
}

/**
 * A row text of `recordRowChunks` as the row it is read from: split by `eventFields` or
 * `versionFields` when they can, else read by its columns (and counted in `columns`).
 */
function lineRow(store: SqliteStore, text: string, columns: { n: number }): LeafRow {
  const at = new Int32Array(EVENT_FIELDS);
  const leaf = feedLeaf(text);
  if (isVersionText(text)) {
    if (versionFields(text, at))
      return [leaf, text.slice(at[0]! + 1, at[1]), text.slice(at[1]! + 1)];
    columns.n++;
    return store.versionLineRow(leaf)!;
  }
  if (!eventFields(text, at)) {
    columns.n++;
    return store.eventLineRow(leaf)!;
  }
  const field = (k: number): string =>
    text.slice(at[k - 1]! + 1, k < EVENT_FIELDS ? at[k] : text.length);
  // a column that may be NULL: empty when it is, else after a `+`
  const nullable = (k: number): string | null => {
    const f = field(k);
    return f === '' ? null : f.slice(1);
  };
  return [
    leaf,
    field(1),
    field(2),
    field(3),
    field(4),
    field(5),
    field(7),
    nullable(6),
    nullable(8),
    nullable(9),
    nullable(10),
  ];
}

/** Every record `recordRowChunks` gives, its rows read back as `recordChunks` reads them. */
function readRows(
  store: SqliteStore,
  from: number,
  to: number,
  skip?: readonly (DirectoryKind | 'event')[],
): { records: string; lasts: number[]; columns: number } {
  const records: unknown[] = [];
  const lasts: number[] = [];
  const columns = { n: 0 };
  for (const c of store.recordRowChunks(from, to, skip)) {
    for (const text of c.rows) {
      const row = lineRow(store, text, columns);
      records.push(
        row.length === 3
          ? { kind: row[1], body: JSON.parse(row[2]) as unknown }
          : rawEventRecord(row),
      );
    }
    lasts.push(c.last);
  }
  return { records: JSON.stringify(records), lasts, columns: columns.n };
}

describe('SqliteStore.recordRowChunks', () => {
  describe('when the rows are read back', () => {
    it('gives the records recordChunks gives, member for member, odd strings included', async () => {
      const store = SqliteStore.open(join(dir, 'text.db'));
      const tx = await store.begin();
      // directory versions take every 4th leaf from 2; the events fill the rest in order
      const leaves = 23_000;
      const versionLeaves = Array.from({ length: leaves / 4 }, (_, i) => 2 + 4 * i).filter(
        (l) => l < leaves,
      );
      const taken = new Set(versionLeaves);
      const eventLeaves = Array.from({ length: leaves }, (_, i) => i).filter((l) => !taken.has(l));
      for (let i = 0; i < eventLeaves.length; i++)
        await tx.insertEvents([event(i)], eventLeaves[i]!);
      const kinds: DirectoryKind[] = ['reviewer', 'seller', 'ticket', 'employee'];
      await tx.insertDirectoryVersions(
        versionLeaves.map((leaf, i) => ({
          leaf,
          kind: kinds[i % kinds.length]!,
          key: `k-${i}`,
          payload: JSON.stringify({
            id: `k-${i}`,
            n: i,
            odd: ODD[i % ODD.length],
            list: [i, { a: null }],
          }),
        })),
      );
      await tx.commit();
      const cases: [number, number, (DirectoryKind | 'event')[]?][] = [
        [0, leaves],
        [0, leaves, ['reviewer']],
        [7, 20_001, ['reviewer', 'employee']],
        [0, leaves, ['event', 'reviewer']],
        [3, 3],
      ];
      for (const [from, to, skip] of cases) {
        const expected = await read(store, from, to, skip);
        const got = readRows(store, from, to, skip);
        expect(got.records).toBe(expected.records);
        expect(got.lasts).toEqual(expected.lasts);
      }
      // the comparison can fail: the rows hold the odd strings, given back; the ids that hold
      // the separator (char 31), and only those, are read by their columns
      const all = readRows(store, 0, leaves);
      const separated = Array.from({ length: eventLeaves.length }, (_, i) => event(i).id).filter(
        (id) => id.includes('\u001f'),
      ).length;
      expect(separated).toBeGreaterThan(100);
      expect(all.columns).toBe(separated);
      const some = readRows(store, 0, 10).records;
      for (const odd of ['a\\"b', '\\t', '😀', '\u2028']) expect(some).toContain(odd);
      expect(readRows(store, 0, leaves).lasts).toEqual([9_999, 19_999, 22_999]);
      await store.close();
    });
  });
});
