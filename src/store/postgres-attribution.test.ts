import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePgUrl } from './postgres-connection.js';
import { PostgresStore } from './postgres-store.js';
import { pgTestSchemas, TEST_PG_URL } from './postgres-test-support.js';

const schemas = await pgTestSchemas();

/** Puts a schema back as a Warden from before attribution left it: no migration 3, no tables. */
async function asBeforeAttribution(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${parsePgUrl(url).schema}`);
    await client.query(
      'DROP TABLE attribution_canaries, reviewer_email_hashes; DELETE FROM schema_version WHERE version = 3',
    );
  } finally {
    await client.end();
  }
}

if ('skip' in schemas) {
  describe.skip(`PostgreSQL attribution (${schemas.skip})`, () => {
    it('needs the server', () => undefined);
  });
} else {
  afterAll(() => schemas.dropAll());
  describe('PostgreSQL attribution tables', () => {
    describe('when the schema predates them (migration 3)', () => {
      it('reads none read-only, and a writer adds them and then keeps what it plants', async () => {
        const url = schemas.url();
        const first = await PostgresStore.open(url);
        const tx = await first.begin();
        await tx.putCanaries(['enc:gone']);
        await tx.commit();
        await first.close();
        await asBeforeAttribution(url);

        const reader = await PostgresStore.open(url, { readonly: true });
        expect(await reader.attribution.canaries()).toEqual([]);
        expect(await reader.attribution.hashedReviewers()).toBe(0);
        expect(await reader.attribution.reviewersByEmailHash([Buffer.alloc(32)])).toEqual(
          new Map(),
        );
        await reader.close();

        const writer = await PostgresStore.open(url);
        const again = await writer.begin();
        await again.putCanaries(['enc:new']);
        await again.putEmailHashes([{ hash: Buffer.alloc(32, 1), reviewer: 'rv-1' }]);
        await again.commit();
        expect(await writer.attribution.canaries()).toEqual(['enc:new']);
        expect(await writer.attribution.hashedReviewers()).toBe(1);
        await writer.close();
      });
    });
  });
}
