import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { DirectoryKind } from '../domain/index.js';
import { KeyFilter } from './key-filter.js';
import type { StoredDirectoryVersion } from './ports.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-dirwriter-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const version = (
  leaf: number,
  kind: DirectoryKind,
  key: string,
  tag = 'a',
): StoredDirectoryVersion => ({ leaf, kind, key, payload: `{"id":"${key}","tag":"${tag}"}` });

describe('SqliteDirectoryWriter', () => {
  describe('when a kind had no record before the transaction', () => {
    it('finds the newest payload of every key written earlier in the same transaction, and no other', async () => {
      const store = SqliteStore.open(join(dir, `w${n++}.db`));
      const tx = await store.begin();
      const keys = Array.from({ length: 20_000 }, (_, i) => `u-${i}`);
      await tx.insertDirectoryVersions(keys.map((k, i) => version(i, 'reviewer', k)));
      await tx.insertDirectoryVersions(
        keys.filter((_, i) => i % 7 === 0).map((k, i) => version(20_000 + i, 'reviewer', k, 'b')),
      );
      const asked = [...keys, ...keys.map((k) => `${k}-never`), 'u-0\u0000x'];
      const found = await tx.currentPayloads('reviewer', asked);
      expect(found.size).toBe(keys.length);
      keys.forEach((k, i) =>
        expect(found.get(k)).toBe(`{"id":"${k}","tag":"${i % 7 === 0 ? 'b' : 'a'}"}`),
      );
      // the same keys of another kind, never written, are not found
      expect((await tx.currentPayloads('seller', keys)).size).toBe(0);
      await tx.commit();
      await store.close();
    });
  });

  describe('when a kind had records before the transaction', () => {
    it('finds them, and those written since', async () => {
      const store = SqliteStore.open(join(dir, `w${n++}.db`));
      const first = await store.begin();
      await first.insertDirectoryVersions([
        version(0, 'seller', 's-1'),
        version(1, 'seller', 's-2'),
      ]);
      await first.commit();
      const tx = await store.begin();
      // a row of this kind goes in before the first look-up: the kind was still not empty
      await tx.insertDirectoryVersions([version(2, 'seller', 's-3')]);
      expect(await tx.currentPayloads('seller', ['s-1', 's-2', 's-3', 's-4'])).toEqual(
        new Map([
          ['s-1', '{"id":"s-1","tag":"a"}'],
          ['s-2', '{"id":"s-2","tag":"a"}'],
          ['s-3', '{"id":"s-3","tag":"a"}'],
        ]),
      );
      await tx.commit();
      await store.close();
    });
  });
});

describe('the current pointers of the versions a transaction writes', () => {
  const pointers = (path: string): [string, string, number][] => {
    const db = new Database(path, { readonly: true });
    const rows = db
      .prepare('SELECT kind, key, leaf FROM directory_current ORDER BY kind, key')
      .raw()
      .all() as [string, string, number][];
    db.close();
    return rows;
  };

  describe('when the transaction reads the directory before it commits', () => {
    it('sees each record as current at its newest version, then commits the same pointers', async () => {
      const path = join(dir, `w${n++}.db`);
      const store = SqliteStore.open(path);
      const tx = await store.begin();
      await tx.insertDirectoryVersions([version(0, 'seller', 's-1'), version(1, 'seller', 's-2')]);
      expect(await store.directory.existing('seller', ['s-1', 's-2', 's-3'])).toEqual(
        new Set(['s-1', 's-2']),
      );
      await tx.insertDirectoryVersions([version(2, 'seller', 's-1', 'b')]);
      expect(await store.directory.get('seller', 's-1')).toBe('{"id":"s-1","tag":"b"}');
      expect(await store.directory.count('seller')).toBe(2);
      // a key written twice in one call, and again after a read: the newest wins
      await tx.insertDirectoryVersions([
        version(3, 'seller', 's-1', 'c'),
        version(4, 'seller', 's-3'),
        version(5, 'seller', 's-1', 'd'),
      ]);
      expect((await store.stats()).counts.seller).toBe(3);
      await tx.insertDirectoryVersions([version(6, 'employee', 'e-1')]);
      await tx.commit();
      expect(pointers(path)).toEqual([
        ['employee', 'e-1', 6],
        ['seller', 's-1', 5],
        ['seller', 's-2', 1],
        ['seller', 's-3', 4],
      ]);
      expect(await store.ledger.staleCurrentPointers()).toEqual([]);
      await store.close();
    });

    it('finds the newest payload of a key whose pointer was settled at an older version', async () => {
      const store = SqliteStore.open(join(dir, `w${n++}.db`));
      const tx = await store.begin();
      await tx.insertDirectoryVersions([version(0, 'ticket', 't-1')]);
      expect(await store.directory.existing('ticket', ['t-1'])).toEqual(new Set(['t-1']));
      await tx.insertDirectoryVersions([version(1, 'ticket', 't-1', 'closed')]);
      expect(await tx.currentPayloads('ticket', ['t-1', 't-2'])).toEqual(
        new Map([['t-1', '{"id":"t-1","tag":"closed"}']]),
      );
      await tx.commit();
      expect(await store.directory.get('ticket', 't-1')).toBe('{"id":"t-1","tag":"closed"}');
      await store.close();
    });
  });

  describe('when a later transaction writes records of an earlier one', () => {
    it('points them at their new versions and leaves the others', async () => {
      const path = join(dir, `w${n++}.db`);
      const store = SqliteStore.open(path);
      const first = await store.begin();
      await first.insertDirectoryVersions([
        version(0, 'seller', 's-1'),
        version(1, 'seller', 's-2'),
      ]);
      await first.commit();
      const second = await store.begin();
      await second.insertDirectoryVersions([version(7, 'seller', 's-2', 'b')]);
      expect(await second.currentPayloads('seller', ['s-1', 's-2'])).toEqual(
        new Map([
          ['s-1', '{"id":"s-1","tag":"a"}'],
          ['s-2', '{"id":"s-2","tag":"b"}'],
        ]),
      );
      await second.commit();
      expect(pointers(path)).toEqual([
        ['seller', 's-1', 0],
        ['seller', 's-2', 7],
      ]);
      await store.close();
    });
  });

  describe('when the transaction rolls back', () => {
    it('leaves no pointer, and the next transaction settles only its own', async () => {
      const path = join(dir, `w${n++}.db`);
      const store = SqliteStore.open(path);
      const tx = await store.begin();
      await tx.insertDirectoryVersions([version(0, 'seller', 's-1'), version(1, 'seller', 's-2')]);
      await tx.rollback();
      expect(await store.directory.count('seller')).toBe(0);
      const next = await store.begin();
      await next.insertDirectoryVersions([version(0, 'seller', 's-9')]);
      await next.commit();
      expect(pointers(path)).toEqual([['seller', 's-9', 0]]);
      expect(await store.ledger.staleCurrentPointers()).toEqual([]);
      await store.close();
    });
  });
});

describe('KeyFilter', () => {
  it('never forgets a pair it was given, and rarely claims one it was not', () => {
    const filter = new KeyFilter();
    const added = 300_000;
    for (let i = 0; i < added; i++) filter.add('reviewer', `u-${i}`);
    let forgotten = 0;
    for (let i = 0; i < added; i++) if (!filter.mayHave('reviewer', `u-${i}`)) forgotten++;
    expect(forgotten).toBe(0);
    let claimed = 0;
    for (let i = added; i < 2 * added; i++) if (filter.mayHave('reviewer', `u-${i}`)) claimed++;
    for (let i = 0; i < added; i++) if (filter.mayHave('seller', `u-${i}`)) claimed++;
    // two probes into 2^24 bits at 300,000 pairs: about 0.1 % expected
    expect(claimed / (2 * added)).toBeLessThan(0.01);
    // the kind and the key are told apart, not just their concatenation
    const other = new KeyFilter();
    other.add('ab', 'c');
    expect(other.mayHave('a', 'bc')).toBe(false);
  });
});
