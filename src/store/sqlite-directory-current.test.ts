import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { DirectoryKind } from '../domain/index.js';
import type { StoredDirectoryVersion } from './ports.js';
import { SqliteCurrentDirectory } from './sqlite-directory-current.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-current-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const version = (
  leaf: number,
  kind: DirectoryKind,
  key: string,
  body: Record<string, string> = {},
): StoredDirectoryVersion => ({
  leaf,
  kind,
  key,
  payload: JSON.stringify({ id: key, ...body }),
});

/** What the directory holds before the import opens: one of each kind a reader looks at. */
const committed: StoredDirectoryVersion[] = [
  version(0, 'seller', 's-1'),
  version(1, 'product', 'p-1', { sellerId: 's-1' }),
  version(2, 'review', 'r-1', { productId: 'p-1' }),
  version(3, 'employee', 'e-1', { site: 'north', team: 'support' }),
  version(4, 'assignment', 'e-1\u0000s-1\u00002026-01-01', { employeeId: 'e-1' }),
];

/** What the open import has written and not committed: new records and a new version of one. */
const importing: StoredDirectoryVersion[] = [
  version(5, 'seller', 's-1', { note: 'renamed' }),
  version(6, 'seller', 's-2'),
  version(7, 'product', 'p-2', { sellerId: 's-2' }),
  version(8, 'review', 'r-2', { productId: 'p-2' }),
  version(9, 'employee', 'e-2', { site: 'north', team: 'support' }),
  version(10, 'assignment', 'e-1\u0000s-2\u00002026-01-01', { employeeId: 'e-1' }),
];

/**
 * Every read of the SQLite store that answers from the directory's current pointers, and what
 * it must answer while the import above is open. Each runs first in its transaction, so that no
 * other reader has settled the pointers for it.
 */
const READS: readonly (readonly [string, (store: SqliteStore) => Promise<unknown>, unknown])[] = [
  ['directory.count', (s) => s.directory.count('seller'), 2],
  ['directory.get', (s) => s.directory.get('seller', 's-1'), importing[0]!.payload],
  ['directory.existing', (s) => s.directory.existing('seller', ['s-2', 's-3']), new Set(['s-2'])],
  [
    'directory.assignmentsOf',
    (s) => s.directory.assignmentsOf('e-1'),
    [committed[4]!.payload, importing[5]!.payload],
  ],
  ['stats (counts)', async (s) => (await s.stats()).counts.seller, 2],
  [
    'stats (employees by site)',
    async (s) => (await s.stats()).employeesBySite,
    [{ site: 'north', team: 'support', employees: 2 }],
  ],
  ['ledger.leafOf', (s) => s.ledger.leafOf('seller:s-1'), 5],
  ['ledger.staleCurrentPointers', (s) => s.ledger.staleCurrentPointers(), []],
  [
    'attribution.currentRecords',
    (s) => s.attribution.currentRecords('seller'),
    [importing[0]!.payload, importing[1]!.payload],
  ],
  [
    'cases.catalogueOf',
    (s) => s.cases.catalogueOf(['s-2']),
    { products: ['p-2'], reviews: ['r-2'] },
  ],
];

/** The reader's methods that read the table (all but its settling `prepare`). */
const readerMethods = Object.getOwnPropertyNames(SqliteCurrentDirectory.prototype).filter(
  (name) => name !== 'constructor' && name !== 'prepare',
);

/**
 * Files that may name the table in code: its reader; its one writer, which also asks whether
 * a kind has any record before writing its first version of that kind (no unsettled pointer
 * can be of that kind yet); its schema.
 */
const MAY_NAME_THE_TABLE = [
  'store/sqlite-directory-current.ts',
  'store/sqlite-directory-writer.ts',
  'store/sqlite-migrations.ts',
];

const srcDir = fileURLToPath(new URL('..', import.meta.url));

/** Every product source under src/, comments removed (they may name the table freely). */
function sources(): { file: string; code: string }[] {
  return readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !/\.(test|contract)\.ts$/.test(f))
    .map((f) => ({
      file: relative(srcDir, join(srcDir, f)).split('\\').join('/'),
      code: readFileSync(join(srcDir, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|\s)\/\/.*$/gm, '$1'),
    }));
}

describe('the SQLite directory’s current records', () => {
  describe('when read inside an open import', () => {
    // every read of the table, spied on, so that a read added without a case above is found
    const spies = new Map(
      readerMethods.map((name) => [
        name,
        vi.spyOn(SqliteCurrentDirectory.prototype, name as keyof SqliteCurrentDirectory),
      ]),
    );
    afterAll(() => vi.restoreAllMocks());

    it.each(READS)(
      '%s sees the versions the import wrote as current',
      async (_, read, expected) => {
        const store = SqliteStore.open(join(dir, `c${n++}.db`));
        const first = await store.begin();
        await first.insertDirectoryVersions(committed);
        await first.commit();
        const tx = await store.begin();
        await tx.insertDirectoryVersions(importing);
        expect(await read(store)).toEqual(expected);
        await tx.rollback();
        await store.close();
      },
    );

    it('has a case above for every read of the table', () => {
      const unread = [...spies].filter(([, spy]) => spy.mock.calls.length === 0);
      expect(unread.map(([name]) => name)).toEqual([]);
      expect(spies.size).toBeGreaterThanOrEqual(10);
    });
  });

  describe('when the sources are searched for the table', () => {
    it('finds it named only by its reader, its writer and its schema', () => {
      const naming = sources()
        .filter(({ code }) => code.includes('directory_current'))
        .map(({ file }) => file)
        .filter((file) => !file.startsWith('store/postgres-')); // PostgreSQL writes pointers with their versions
      expect(naming.sort()).toEqual([...MAY_NAME_THE_TABLE].sort());
    });

    it('finds the reader preparing statements only where it settles the pointers first', () => {
      const reader = sources().find(({ file }) => file === 'store/sqlite-directory-current.ts')!;
      expect(reader.code.match(/\.prepare\(/g)).toHaveLength(
        reader.code.match(/this\.prepare\(/g)!.length + 1,
      );
      expect(reader.code).toMatch(
        /private readonly prepare = \(sql: string, keep = true\): Database\.Statement => \{\s*settleDirectory\(this\.db\);/,
      );
    });
  });
});
