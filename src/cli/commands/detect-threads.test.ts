import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../store/index.js';
import { threadableStore } from './detect-threads.js';

const dir = { path: mkdtempSync(join(tmpdir(), 'warden-threads-')) };
afterAll(() => rmSync(dir.path, { recursive: true, force: true }));

// a file that exists, standing for a compiled worker; and one that does not
const present = fileURLToPath(import.meta.url);
const absent = join(dir.path, 'no-worker.js');

describe('which store a detection thread can open a connection of its own to', () => {
  it('a SQLite file, when the thread’s worker file exists', async () => {
    const store = SqliteStore.open(join(dir.path, 'ledger.db'));
    try {
      expect(threadableStore(store, present)).toBe(store);
      // from TypeScript sources there is no compiled worker: everything runs on one thread
      expect(threadableStore(store, absent)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('never an in-memory database (another connection would open another, empty, one)', async () => {
    for (const path of [':memory:', '']) {
      const store = SqliteStore.open(path);
      try {
        expect(threadableStore(store, present)).toBeUndefined();
      } finally {
        await store.close();
      }
    }
  });
});
