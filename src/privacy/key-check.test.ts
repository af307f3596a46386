import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/index.js';
import { LEDGER_VERIFIER_KEY, MASTER_KEY_CHECK, checkKeys, type KeysInUse } from './key-check.js';
import { Vault } from './vault.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-kc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const keys = (masterKey: Buffer, verifierKey = 'log+00000001+AQ', signs = true): KeysInUse => ({
  database: 'test.db',
  masterKey,
  masterKeyFrom: 'WARDEN_KEY',
  verifierKey,
  ledgerKeyFrom: 'ledger.key',
  signsCheckpoint: () => signs,
});

async function refusal(run: Promise<void>): Promise<string> {
  try {
    await run;
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('checkKeys', () => {
  describe('when the database is new', () => {
    it('records the check values, then accepts the same keys and refuses others', async () => {
      const store = SqliteStore.open(join(dir, `${n++}.db`));
      const master = randomBytes(32);
      await checkKeys(store, keys(master));
      expect(await store.meta.get(MASTER_KEY_CHECK)).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.meta.get(LEDGER_VERIFIER_KEY)).toBe('log+00000001+AQ');
      await checkKeys(store, keys(master));
      expect(await refusal(checkKeys(store, keys(randomBytes(32))))).toBe('KEY_MISMATCH');
      expect(await refusal(checkKeys(store, keys(master, 'log+00000002+AQ')))).toBe('KEY_MISMATCH');
      await store.close();
    });
  });

  describe('when the database was made before check values existed', () => {
    it('checks the key against a stored data key before recording its check value', async () => {
      const store = SqliteStore.open(join(dir, `${n++}.db`));
      const master = randomBytes(32);
      new Vault(master, store.dataKeys).seal('rv-1', 'email', 'a@example.com');
      expect(await refusal(checkKeys(store, keys(randomBytes(32))))).toBe('KEY_MISMATCH');
      expect(await store.meta.get(MASTER_KEY_CHECK)).toBeUndefined();
      await checkKeys(store, keys(master));
      expect(await store.meta.get(MASTER_KEY_CHECK)).toBeDefined();
      await store.close();
    });

    it('refuses a ledger key that did not sign its latest checkpoint', async () => {
      const store = SqliteStore.open(join(dir, `${n++}.db`));
      const tx = await store.begin();
      await tx.putCheckpoint({
        size: 0,
        rootHash: Buffer.alloc(32),
        note: 'signed elsewhere',
        createdAt: '2026-12-04T00:00:00Z',
      });
      await tx.commit();
      const master = randomBytes(32);
      expect(await refusal(checkKeys(store, keys(master, 'log+00000001+AQ', false)))).toBe(
        'KEY_MISMATCH',
      );
      expect(await store.meta.get(LEDGER_VERIFIER_KEY)).toBeUndefined();
      await checkKeys(store, keys(master, 'log+00000001+AQ', true));
      expect(await store.meta.get(LEDGER_VERIFIER_KEY)).toBe('log+00000001+AQ');
      await store.close();
    });
  });
});
