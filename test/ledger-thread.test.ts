import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AccessEvent } from '../src/domain/index.js';
import type * as LedgerModule from '../src/ledger/index.js';
import type * as StoreModule from '../src/store/index.js';
import { tempDir } from './helpers.js';

// The hashing worker runs only from the compiled build (`npm test` builds first): this test
// drives the compiled ledger and holds its worker to the in-thread appender, leaf for leaf.
const DIST = fileURLToPath(new URL('../dist/src/', import.meta.url));
const built = existsSync(join(DIST, 'ledger', 'hash-worker.js'));

/** The compiled ledger and store modules (the worker exists only there). */
async function compiled(): Promise<{
  Ledger: typeof LedgerModule.Ledger;
  generateSignerKey: typeof LedgerModule.generateSignerKey;
  SqliteStore: typeof StoreModule.SqliteStore;
}> {
  const ledger = (await import(join(DIST, 'ledger', 'index.js'))) as typeof LedgerModule;
  const store = (await import(join(DIST, 'store', 'index.js'))) as typeof StoreModule;
  return {
    Ledger: ledger.Ledger,
    generateSignerKey: ledger.generateSignerKey,
    SqliteStore: store.SqliteStore,
  };
}

describe.runIf(built || process.env['CI'])('the ledger hashing worker', () => {
  const dir = tempDir('warden-thread-');
  afterAll(() => dir.cleanup());

  it('gives the same tiles, roots and checkpoints as hashing in this thread, across rollbacks', async () => {
    const { Ledger, generateSignerKey, SqliteStore } = await compiled();
    const key = generateSignerKey('test.local/log');
    const roots: Record<string, string[]> = {};
    for (const hashing of ['thread', 'inline'] as const) {
      const store = SqliteStore.open(join(dir.path, `${hashing}.db`));
      const ledger = await Ledger.open(store, key, { hashing });
      roots[hashing] = [];
      let id = 0;
      for (let batch = 0; batch < 12; batch++) {
        const tx = await store.begin();
        const n = [1, 255, 256, 257, 3000, 7][batch % 6]!;
        const events = Array.from({ length: n }, () => ({
          id: `ev-${id++}`,
          time: '2026-03-02T09:14:05Z',
          actor: `e-${id % 7}`,
          action: 'seller.metrics.view' as const,
          target: { type: 'seller' as const, id: `s-${id % 13}` },
        }));
        await tx.insertEvents(events, ledger.size);
        for (const body of events) ledger.appendRecord({ kind: 'event', body });
        if (batch % 4 === 3) {
          await tx.rollback();
          await ledger.reload();
          id -= n;
          continue;
        }
        await ledger.persist(tx);
        const cp = await ledger.checkpoint(tx, '2026-03-02T10:00:00Z');
        await tx.commit();
        roots[hashing].push(`${cp.size}:${cp.rootHash.toString('base64')}`);
      }
      expect(await ledger.rootAt(ledger.size)).toEqual(ledger.root());
      await ledger.close();
      await store.close();
    }
    expect(roots['thread']).toEqual(roots['inline']);
    expect(roots['thread']?.length).toBe(9);
  });

  it('starts its thread from the edge of a reload that came before its first leaf', async () => {
    // the thread starts with the first leaf: a reload before it (here after another
    // connection's batch) must move the edge the thread starts from
    const { Ledger, generateSignerKey, SqliteStore } = await compiled();
    const key = generateSignerKey('test.local/log');
    const batch = async (
      store: StoreModule.SqliteStore,
      ledger: LedgerModule.Ledger,
      from: number,
      n: number,
    ): Promise<string> => {
      const tx = await store.begin();
      const events = Array.from({ length: n }, (_, i) => event(from + i));
      await tx.insertEvents(events, ledger.size);
      for (const body of events) ledger.appendRecord({ kind: 'event', body });
      await ledger.persist(tx);
      const cp = await ledger.checkpoint(tx, '2026-03-02T10:00:00Z');
      await tx.commit();
      return `${cp.size}:${cp.rootHash.toString('base64')}`;
    };
    const inlineStore = SqliteStore.open(join(dir.path, 'reload-inline.db'));
    const inline = await Ledger.open(inlineStore, key, { hashing: 'inline' });
    await batch(inlineStore, inline, 0, 300);
    const expected = await batch(inlineStore, inline, 300, 5);
    await inline.close();
    await inlineStore.close();

    const path = join(dir.path, 'reload-thread.db');
    const first = SqliteStore.open(path);
    const waiting = await Ledger.open(first, key, { hashing: 'thread' });
    const second = SqliteStore.open(path);
    const other = await Ledger.open(second, key, { hashing: 'inline' });
    await batch(second, other, 0, 300);
    await other.close();
    await second.close();
    await waiting.reload();
    expect(waiting.size).toBe(300);
    expect(await batch(first, waiting, 300, 5)).toBe(expected);
    await waiting.close();
    await first.close();
  });
});

// Events appended as their interchange lines (what ingest's fast path passes) and hashed by
// the worker give the same tree as the events appended as records and hashed in this thread.
function event(i: number): AccessEvent {
  return {
    id: `ev-${i}`,
    time: '2026-03-02T09:14:05.5+01:00',
    actor: `e-${i % 7}`,
    action: i % 3 === 0 ? 'seller.metrics.export' : 'x-look',
    target: { type: 'seller', id: `s-\u00e9${i % 13}` },
    ...(i % 2 === 0 ? { ticket: `t-${i}`, context: { session: `s-${i}`, ip: '10.0.0.1' } } : {}),
    ...(i % 3 === 0 ? { attrs: { rows: i, z: [1, { b: 2, a: null }], '10': 'x' } } : {}),
  };
}

/** The line with its members in another order than the canonical one. */
function lineOf(e: AccessEvent): string {
  const { target, ...rest } = e;
  return JSON.stringify({ target, ...rest, kind: 'event', v: 1 });
}

describe.runIf(built || process.env['CI'])('the ledger hashing worker, given event lines', () => {
  const dir = tempDir('warden-thread-lines-');
  afterAll(() => dir.cleanup());

  it('gives the same roots as the events appended as records in this thread, handed off early or not', async () => {
    const { Ledger, generateSignerKey, SqliteStore } = await compiled();
    const key = generateSignerKey('test.local/log');
    const roots: Record<string, string[]> = {};
    for (const mode of ['thread', 'handed off', 'inline'] as const) {
      const hashing = mode === 'inline' ? 'inline' : 'thread';
      const store = SqliteStore.open(join(dir.path, `${mode}.db`));
      const ledger = await Ledger.open(store, key, { hashing });
      roots[mode] = [];
      let id = 0;
      for (const n of [1, 255, 3000, 7, 2049]) {
        const tx = await store.begin();
        const events = Array.from({ length: n }, () => event(id++));
        await tx.insertEvents(events, ledger.size);
        for (const [i, e] of events.entries()) {
          if (hashing === 'thread') ledger.appendEventLine(lineOf(e));
          else ledger.appendRecord({ kind: 'event', body: e });
          // as ingest does: pieces handed to the thread while it is idle, at odd sizes here
          if (mode === 'handed off' && i % 97 === 96) ledger.handOff();
        }
        await ledger.persist(tx);
        const cp = await ledger.checkpoint(tx, '2026-03-02T10:00:00Z');
        await tx.commit();
        roots[mode].push(`${cp.size}:${cp.rootHash.toString('base64')}`);
      }
      await ledger.close();
      await store.close();
    }
    expect(roots['thread']).toEqual(roots['inline']);
    expect(roots['handed off']).toEqual(roots['inline']);
    expect(roots['thread']?.length).toBe(5);
  });
});

// `ledger verify` hands stored rows to the hashing worker, reads rows ahead for it while it
// checks the current pointers, and compares flushed tiles while it reads on: its report must
// be the one the verifier makes in this thread, on an intact ledger and on damaged copies.
describe.runIf(built || process.env['CI'])('the verifier with the hashing worker', () => {
  const dir = tempDir('warden-thread-verify-');
  afterAll(() => dir.cleanup());

  it('reports what the verifier in this thread reports, intact or damaged', async () => {
    const { Ledger, generateSignerKey, SqliteStore } = await compiled();
    const threaded = (await import(join(DIST, 'ledger', 'index.js'))) as typeof LedgerModule;
    const inThread = await import('../src/ledger/index.js');
    const { SqliteStore: SourceStore } = await import('../src/store/index.js');
    const key = generateSignerKey('test.local/log');
    const golden = join(dir.path, 'golden.db');
    const store = SqliteStore.open(golden);
    const ledger = await Ledger.open(store, key, { hashing: 'thread' });
    let id = 0;
    for (const n of [3000, 1, 2049, 4100, 700]) {
      const tx = await store.begin();
      const events = Array.from({ length: n }, () => event(id++));
      await tx.insertEvents(events, ledger.size);
      for (const body of events) ledger.appendRecord({ kind: 'event', body });
      await ledger.persist(tx);
      await ledger.checkpoint(tx, '2026-03-02T10:00:00Z');
      await tx.commit();
    }
    await ledger.close();
    await store.close();
    const damages = [
      '',
      `UPDATE events SET actor = 'e-99' WHERE leaf = 5000`,
      `UPDATE events SET context = '{"ip":"10.0.0.1","session":"s-8"}' WHERE leaf = 8`, // same value
      `UPDATE events SET context = context || ',"zzz":2' WHERE leaf = 4000`,
      `UPDATE events SET attrs = '{"rows":' WHERE leaf = 6000`,
      'DELETE FROM events WHERE leaf = 7000',
    ];
    const reports: string[] = [];
    for (const [i, sql] of damages.entries()) {
      const path = join(dir.path, `copy-${i}.db`);
      copyFileSync(golden, path);
      if (sql !== '') {
        const db = new Database(path);
        db.exec(`DROP INDEX IF EXISTS events_approval; ${sql}`);
        db.close();
      }
      const verifier = threaded.verifierKeyFromSigner(key);
      const a = SqliteStore.open(path, { readonly: true });
      const b = SourceStore.open(path, { readonly: true });
      const withWorker = await threaded.verifyLedger(a, verifier);
      const inline = await inThread.verifyLedger(b, verifier);
      await a.close();
      await b.close();
      expect(withWorker).toEqual(inline);
      reports.push(`${withWorker.ok} ${withWorker.problems.map((p) => p.code).join(',')}`);
    }
    expect(reports[0]).toBe('true ');
    expect([1, 4, 5].map((i) => reports[i])).toEqual([
      'false LEAF_MISMATCH,CHECKPOINT_MISMATCH,CHECKPOINT_MISMATCH,CHECKPOINT_MISMATCH',
      'false RECORD_MALFORMED',
      'false RECORD_MISSING',
    ]);
  });
});
