import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PostgresStore } from './postgres-store.js';
import { parsePgUrl } from './postgres-connection.js';
import { pgTestSchemas, TEST_PG_URL } from './postgres-test-support.js';
import { storeContract } from './store.contract.js';
import type { StoredDirectoryVersion } from './ports.js';

const schemas = await pgTestSchemas();
// a round trip per call: the contract's 25,000 one-event inserts take a while on a loaded machine
vi.setConfig({ testTimeout: 600_000 });

if ('skip' in schemas) {
  describe.skip(`PostgreSQL store (${schemas.skip})`, () => {
    it('needs the server', () => undefined);
  });
} else {
  afterAll(() => schemas.dropAll());
  storeContract('PostgreSQL', () => PostgresStore.open(schemas.url()));
  postgresOnly(() => schemas.url());
}

const EVENT = {
  id: 'x',
  time: '2026-03-02T09:14:05Z',
  actor: 'e-1',
  action: 'seller.metrics.view',
  target: { type: 'seller', id: 's-1' },
} as const;

/** Runs SQL on the schema of `url` behind the store's back (as an attacker with the server would). */
async function tamper(url: string, sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${parsePgUrl(url).schema}`);
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function postgresOnly(fresh: () => string): void {
  describe('PostgresStore.open', () => {
    describe('when the schema is new', () => {
      it('applies the numbered migrations once and records them', async () => {
        const url = fresh();
        expect(await PostgresStore.exists(url)).toBe(false);
        await (await PostgresStore.open(url)).close();
        await (await PostgresStore.open(url)).close();
        expect(await PostgresStore.exists(url)).toBe(true);
        const client = new pg.Client({ connectionString: TEST_PG_URL });
        await client.connect();
        const { rows } = await client.query<{ version: number }>(
          `SELECT version FROM ${parsePgUrl(url).schema}.schema_version ORDER BY version`,
        );
        await client.end();
        expect(rows.map((r) => r.version)).toEqual([...PostgresStore.schemaVersions]);
      });
    });

    describe('when two processes open a new schema at once', () => {
      it('migrates it once', async () => {
        const url = fresh();
        const stores = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
        for (const s of stores) await s.close();
        const reopened = await PostgresStore.open(url);
        expect(await reopened.events.count()).toBe(0);
        await reopened.close();
      });
    });

    describe('when the schema comes from a newer Warden', () => {
      it('refuses it with SCHEMA_TOO_NEW', async () => {
        const url = fresh();
        await (await PostgresStore.open(url)).close();
        await tamper(url, "INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00Z')");
        await expect(PostgresStore.open(url)).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' });
        await expect(PostgresStore.open(url, { readonly: true })).rejects.toMatchObject({
          code: 'SCHEMA_TOO_NEW',
        });
      });
    });

    describe('when the server does not answer or the URL is bad', () => {
      it('fails with OPEN_FAILED naming the server, not the password', async () => {
        const error = (await PostgresStore.open(
          'postgres://postgres:s3cret@127.0.0.1:1/test?schema=x',
        ).catch((e: unknown) => e)) as Error & { code: string };
        expect(error.code).toBe('OPEN_FAILED');
        expect(error.message).toContain('127.0.0.1:1');
        expect(error.message).not.toContain('s3cret');
        await expect(PostgresStore.open('mysql://x/y')).rejects.toMatchObject({
          code: 'OPEN_FAILED',
        });
        await expect(PostgresStore.open(`${TEST_PG_URL}?schema=x;drop`)).rejects.toMatchObject({
          code: 'OPEN_FAILED',
        });
      });
    });

    describe('when opened read-only', () => {
      it('refuses a schema with no store (NOT_FOUND) and refuses writes (READ_ONLY)', async () => {
        const url = fresh();
        await expect(PostgresStore.open(url, { readonly: true })).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
        await (await PostgresStore.open(url)).close();
        const store = await PostgresStore.open(url, { readonly: true });
        expect(await store.ledger.size()).toBe(0);
        await expect(store.begin()).rejects.toMatchObject({ code: 'READ_ONLY' });
        await expect(
          store.findings.save({
            computedAt: 'x',
            ledgerSize: 0,
            events: 0,
            findings: { risk: [], alerts: [] },
          }),
        ).rejects.toMatchObject({ code: 'READ_ONLY' });
        await store.close();
      });
    });

    describe('when the role may only read the schema', () => {
      it('reads, and refuses to open for writing with READ_ONLY', async () => {
        const url = fresh();
        const store = await PostgresStore.open(url);
        const tx = await store.begin();
        await tx.insertEvents(
          [
            {
              id: 'a',
              time: '2026-03-02T09:14:05Z',
              actor: 'e-1',
              action: 'seller.metrics.view',
              target: { type: 'seller', id: 's-1' },
            },
          ],
          0,
        );
        await tx.commit();
        await store.close();
        const role = `warden_ro_${process.pid}`;
        const schema = parsePgUrl(url).schema;
        await tamper(
          url,
          `CREATE ROLE ${role} LOGIN; GRANT USAGE ON SCHEMA ${schema} TO ${role};
           GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
        );
        try {
          const asReader = new URL(url);
          asReader.username = role;
          const reader = await PostgresStore.open(asReader.toString(), { readonly: true });
          expect(await reader.events.count()).toBe(1);
          await reader.close();
          await expect(PostgresStore.open(asReader.toString())).rejects.toMatchObject({
            code: 'READ_ONLY',
          });
        } finally {
          await tamper(url, `DROP OWNED BY ${role}; DROP ROLE ${role}`);
        }
      });
    });

    describe('when another process holds the write transaction', () => {
      it('waits for it, then refuses with BUSY', async () => {
        const url = fresh();
        const first = await PostgresStore.open(url);
        const second = await PostgresStore.open(url);
        const tx = await first.begin();
        const started = Date.now();
        await expect(second.begin()).rejects.toMatchObject({ code: 'BUSY' });
        expect(Date.now() - started).toBeGreaterThanOrEqual(4000); // lock_timeout 5 s
        await tx.rollback();
        await (await second.begin()).rollback();
        await first.close();
        await second.close();
      }, 20_000);
    });

    describe('when a statement of the transaction failed', () => {
      it('refuses to report the commit as done (PostgreSQL rolled it back)', async () => {
        const store = await PostgresStore.open(fresh());
        const tx = await store.begin();
        await tx.insertEvents([{ ...EVENT, id: 'a' }], 0);
        await expect(tx.insertEvents([{ ...EVENT, id: 'b' }], 0)).rejects.toThrow(); // leaf 0 again
        await expect(tx.commit()).rejects.toMatchObject({ code: 'NO_TRANSACTION' });
        expect(await store.events.count()).toBe(0);
        await store.close();
      });

      it('throws a directory write that failed at the next step, and at the commit', async () => {
        const store = await PostgresStore.open(fresh());
        const version: StoredDirectoryVersion = {
          leaf: 0,
          kind: 'seller',
          key: 's',
          payload: '{}',
        };
        let tx = await store.begin();
        await tx.insertDirectoryVersions([version]);
        await tx.insertDirectoryVersions([version]); // leaf 0 again: issued, not waited for
        await expect(tx.insertEvents([{ ...EVENT, id: 'a' }], 1)).rejects.toThrow(/duplicate key/);
        await expect(tx.commit()).rejects.toThrow(/duplicate key/);
        tx = await store.begin();
        await tx.insertDirectoryVersions([version]);
        await tx.insertDirectoryVersions([version]);
        await expect(tx.commit()).rejects.toThrow(/duplicate key/);
        expect(await store.directory.count('seller')).toBe(0);
        await store.close();
      });
    });

    describe('when the store is closed with its transaction open', () => {
      it('writes nothing of it, the data keys included', async () => {
        const url = fresh();
        const store = await PostgresStore.open(url);
        const tx = await store.begin();
        await tx.insertEvents([{ ...EVENT, id: 'a' }], 0);
        store.dataKeys.putWrappedKey('rv-1', Buffer.from([1]));
        await store.close();
        const again = await PostgresStore.open(url);
        expect(await again.events.count()).toBe(0);
        expect(again.dataKeys.getWrappedKey('rv-1')).toBeUndefined();
        await again.close();
      });
    });

    describe('when a data key is written by another process', () => {
      it('is seen at the next begin(), so that a subject never gets two keys', async () => {
        const url = fresh();
        const a = await PostgresStore.open(url);
        const b = await PostgresStore.open(url);
        const tx = await a.begin();
        a.dataKeys.putWrappedKey('rv-1', Buffer.from([9]));
        await tx.commit();
        expect(b.dataKeys.getWrappedKey('rv-1')).toBeUndefined(); // not yet looked
        await (await b.begin()).rollback();
        expect(b.dataKeys.getWrappedKey('rv-1')).toEqual(Buffer.from([9]));
        await a.close();
        await b.close();
      });
    });

    describe('when current pointers are edited behind its back', () => {
      it('names each record whose pointer is not its newest version', async () => {
        const url = fresh();
        const store = await PostgresStore.open(url);
        const tx = await store.begin();
        const version = (leaf: number, key: string): StoredDirectoryVersion => ({
          leaf,
          kind: 'seller',
          key,
          payload: `{"id":"${key}","v":${leaf}}`,
        });
        await tx.insertDirectoryVersions([
          version(0, 's-1'),
          version(1, 's-2'),
          version(2, 's-3'),
          version(3, 's-1'),
          version(4, 's-4'),
        ]);
        await tx.commit();
        expect(await store.ledger.staleCurrentPointers()).toEqual([]);
        await tamper(
          url,
          `UPDATE directory_current SET leaf = 0 WHERE key = 's-1'::bytea;
           DELETE FROM directory_current WHERE key = 's-2'::bytea;
           UPDATE directory_current SET leaf = 4 WHERE key = 's-3'::bytea;
           INSERT INTO directory_current VALUES ('seller', 's-9'::bytea, 77);`,
        );
        const stale = await store.ledger.staleCurrentPointers();
        expect(stale.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
          { kind: 'seller', key: 's-1', leaf: 0 },
          { kind: 'seller', key: 's-2', leaf: 1 },
          { kind: 'seller', key: 's-3', leaf: 4 },
          { kind: 'seller', key: 's-9', leaf: 77 },
        ]);
        await store.close();
      });
    });

    describe('when a stored detection state chunk is damaged or missing', () => {
      it('loads nothing rather than a partial state, the directory part included', async () => {
        const url = fresh();
        const store = await PostgresStore.open(url);
        const tx = await store.begin();
        const dir = Buffer.alloc(5 << 20, 3);
        await tx.putDetectorState({
          ledgerSize: 5,
          rootHash: Buffer.alloc(32),
          version: 'v',
          events: 1,
          savedAt: '2026-03-02T09:00:00Z',
          data: Buffer.alloc(9 << 20, 7),
          mac: Buffer.alloc(32),
          directory: { ledgerSize: 4, data: dir, mac: Buffer.alloc(32, 1) },
        });
        await tx.commit();
        expect((await store.detectorState.load())?.directory.data.equals(dir)).toBe(true);
        await tamper(url, 'DELETE FROM detector_directory_chunks WHERE seq = 1');
        expect(await store.detectorState.load()).toBeUndefined();
        await tamper(url, 'DELETE FROM detector_directory');
        expect(await store.detectorState.describe()).toBeUndefined();
        await tamper(url, 'UPDATE detector_state_chunks SET data = $1 WHERE seq = 1', [
          Buffer.alloc(4, 1),
        ]);
        expect(await store.detectorState.load()).toBeUndefined();
        await store.close();
      });
    });
  });
}
