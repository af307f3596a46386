import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Vault } from '../privacy/index.js';
import { SqliteStore, type Store } from '../store/index.js';
import { readCanaries, sealCanary, type Canary } from './canary-book.js';
import { AttributeError } from './errors.js';

/** A vault over an in-memory SQLite store's data keys (the real repository, no copy of it). */
const vaultOf = (): Vault => new Vault(randomBytes(32), SqliteStore.open(':memory:').dataKeys);

const storeOf = (sealed: string[]): Store =>
  ({ attribution: { canaries: () => Promise.resolve(sealed) } }) as unknown as Store;

const canary: Canary = {
  per: 'team',
  for: 'seller-support',
  address: 'c1@canary.example',
  records: [{ kind: 'reviewer', id: 'rv-c1' }],
  plantedAt: '2026-01-01T00:00:00.000Z',
};

describe('readCanaries', () => {
  describe('when every sealed row is a canary description', () => {
    it('opens and returns them, with a digest of the rows', async () => {
      const vault = vaultOf();
      const list = await readCanaries(storeOf([sealCanary(vault, canary)]), vault);
      expect(list.canaries).toEqual([canary]);
      expect(list.digest).toMatch(/^[0-9a-f]{16}$/);
    });
  });

  describe('when a row opens but is not a canary description', () => {
    it('refuses the list as CANARY_LIST_DAMAGED, naming the row and the first issue', async () => {
      const vault = vaultOf();
      const wrong = vault.seal(
        'warden:attribution',
        'canary',
        JSON.stringify({ ...canary, records: [] }),
      );
      const rows = [sealCanary(vault, canary), wrong];
      const error = await readCanaries(storeOf(rows), vault).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AttributeError);
      expect((error as AttributeError).code).toBe('CANARY_LIST_DAMAGED');
      expect((error as AttributeError).message).toMatch(
        /^canary 2 of the sealed list is not a canary description: Too small/,
      );
    });
  });
});
