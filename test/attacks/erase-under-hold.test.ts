import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Vault } from '../../src/privacy/index.js';
import { SqliteStore, loadPostgresStore, type Store } from '../../src/store/index.js';
import { pgTestSchemas } from '../../src/store/postgres-test-support.js';
import { tempDir } from '../helpers.js';

/**
 * A legal hold must stop the erasure of the people it names (GDPR Art. 17(3)(e): data a court
 * may need is kept). The attacker places the hold from another connection at the worst moment
 * for the vault: after it has looked for holds, before it deletes the key. The erasure must
 * then either be refused, or have been decided before the hold existed (the attacker waited).
 */

const SUBJECT = 'rv-1';
const master = randomBytes(32);

/** The case naming the reviewer, not held yet. */
const OPEN_CASE = {
  id: 'c-1',
  title: 'bought reviews',
  status: 'open',
  openedBy: 'e-9',
  openedAt: 't',
  eventId: 'ev-open',
} as const;

/** The open case, and the reviewer's data key. */
async function seed(store: Store): Promise<void> {
  const vault = new Vault(master, store.dataKeys);
  const tx = await store.begin();
  await tx.putCase(OPEN_CASE);
  await tx.putCaseMember({
    caseId: 'c-1',
    kind: 'reviewer',
    ref: SUBJECT,
    addedAt: 't',
    eventId: 'ev-add',
  });
  vault.seal(SUBJECT, 'email', 'jane.doe@example.com');
  await tx.commit();
}

/** The erasure's outcome: `erased`, or the error code that refused it. */
async function erase(vault: Vault): Promise<string> {
  return vault.erase(SUBJECT).then(
    () => 'erased',
    (error: Error & { code?: string }) => error.code ?? error.message,
  );
}

describe('erasing a person while another connection places a legal hold', () => {
  const dir = tempDir('warden-erase-hold-');
  afterAll(() => dir.cleanup());

  describe('when the SQLite store is held the moment after the vault looked for holds', () => {
    it('keeps the key, or the hold had to wait until the erasure was done', async () => {
      const path = join(dir.path, 'held.db');
      const store = SqliteStore.open(path);
      await seed(store);
      const attacker = new Database(path, { timeout: 100 });
      let attack: 'not tried' | 'placed' | 'waited' = 'not tried';
      // every statement that reads the holds, on any connection: right after the one the
      // erasure runs, the attacker commits a hold naming the person
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its `this` below
      const prepare = Database.prototype.prepare;
      Database.prototype.prepare = function (this: Database.Database, sql: string) {
        const statement = prepare.call(this, sql);
        if (!sql.includes('held_at IS NOT NULL') || this === attacker) return statement;
        const all = statement.all.bind(statement) as (...params: unknown[]) => unknown[];
        statement.all = (...params: unknown[]) => {
          const rows = all(...params);
          if (attack === 'not tried') {
            try {
              attacker
                .prepare("UPDATE cases SET held_at = 'now', held_by = 'counsel' WHERE id = 'c-1'")
                .run();
              attack = 'placed';
            } catch (error) {
              expect(error).toMatchObject({ code: 'SQLITE_BUSY' });
              attack = 'waited';
            }
          }
          return rows;
        };
        return statement;
      } as typeof prepare;
      let outcome: string;
      try {
        outcome = await erase(new Vault(master, store.dataKeys));
      } finally {
        Database.prototype.prepare = prepare;
      }
      const keyKept = store.dataKeys.getWrappedKey(SUBJECT) !== undefined;
      expect([
        { attack: 'placed', outcome: 'SUBJECT_HELD', keyKept: true },
        { attack: 'waited', outcome: 'erased', keyKept: false },
      ]).toContainEqual({ attack, outcome, keyKept });
      attacker.close();
      await store.close();
    });
  });
});

const schemas = await pgTestSchemas();

describe.skipIf('skip' in schemas)('erasing a person on PostgreSQL', () => {
  afterAll(() => ('skip' in schemas ? undefined : schemas.dropAll()));

  describe('when another process placed a hold after this one last read the holds', () => {
    it('refuses the erasure and keeps the key', async () => {
      if ('skip' in schemas) return;
      const url = schemas.url();
      const PostgresStore = await loadPostgresStore();
      const victim = await PostgresStore.open(url);
      await seed(victim);
      const attacker = await PostgresStore.open(url);
      const tx = await attacker.begin();
      await tx.putCase({ ...OPEN_CASE, heldAt: 'now', heldBy: 'counsel', eventId: 'ev-hold' });
      await tx.commit();
      await attacker.close();
      expect(await erase(new Vault(master, victim.dataKeys))).toBe('SUBJECT_HELD');
      await victim.close();
      const later = await PostgresStore.open(url, { readonly: true });
      expect(later.dataKeys.getWrappedKey(SUBJECT)).toBeDefined();
      await later.close();
    });
  });
});
