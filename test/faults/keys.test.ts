import {
  copyFileSync,
  existsSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { FAULT_HOOK, isCleanError, landed, warden, writeBatch } from './harness.js';

const EVENTS = 200;

// The attacker here is bad luck and a careless operator: a first run killed while it makes the
// keys, a key file emptied or lost, the wrong key handed to a database.
describe('keys under faults', () => {
  const dir = tempDir('warden-faults-keys-');
  afterAll(() => dir.cleanup());
  const batch = writeBatch(dir.path, 1, EVENTS);

  describe.each(['master.key', 'ledger.key'])(
    'when the first run is killed just before %s takes its name',
    (keyName) => {
      it('leaves no half key, and the next run makes the keys and imports', async () => {
        const db = join(dir.path, `first-${keyName}.db`);
        const killed = await warden(['ingest', batch, '--db', db], {
          nodeArgs: ['--import', FAULT_HOOK],
          env: { WARDEN_TEST_PAUSE_AT: keyName },
          killOn: 'paused before linking',
        });
        expect(killed.signal).toBe('SIGKILL');
        const keyDir = `${db}.keys`;
        expect(existsSync(join(keyDir, keyName))).toBe(false);
        if (keyName === 'ledger.key') {
          // the master key was made before, whole
          expect(readFileSync(join(keyDir, 'master.key'), 'utf8')).toMatch(
            /^[A-Za-z0-9+/]{43}=\n$/,
          );
        }
        expect(existsSync(db)).toBe(false);
        const next = await warden(['ingest', batch, '--db', db]);
        expect(next.err).toBe('');
        expect(next.code).toBe(0);
        expect(landed(db).events.get(1)).toBe(EVENTS);
        expect(
          readdirSync(keyDir)
            .filter((f) => f.endsWith('.key'))
            .sort(),
        ).toEqual(['ledger.key', 'master.key']);
        expect((await warden(['stats', '--db', db, '--json'])).code).toBe(0);
      });
    },
  );

  describe('when a database exists', () => {
    const db = join(dir.path, 'w.db');
    const other = join(dir.path, 'other.db');
    const second = writeBatch(dir.path, 2, EVENTS);

    async function expectRefusedUnchanged(
      env: Record<string, string>,
      code: string,
      names: string,
    ): Promise<void> {
      const before = readFileSync(db);
      const r = await warden(['ingest', second, '--db', db], { env });
      expect(r.code).toBe(2);
      expect(r.err).toContain(`[${code}]`);
      expect(r.err).toContain(names);
      expect(isCleanError(r.err)).toBe(true);
      expect(readFileSync(db).equals(before)).toBe(true);
    }

    it('refuses a well-formed but wrong WARDEN_KEY before writing anything', async () => {
      expect((await warden(['ingest', batch, '--db', db])).code).toBe(0);
      expect((await warden(['ingest', batch, '--db', other])).code).toBe(0);
      await expectRefusedUnchanged({ WARDEN_KEY: 'ab'.repeat(32) }, 'KEY_MISMATCH', 'WARDEN_KEY');
    });

    it("refuses another database's ledger.key put in place of its own", async () => {
      const own = readFileSync(join(`${db}.keys`, 'ledger.key'));
      copyFileSync(join(`${other}.keys`, 'ledger.key'), join(`${db}.keys`, 'ledger.key'));
      await expectRefusedUnchanged({}, 'KEY_MISMATCH', 'ledger.key');
      writeFileSync(join(`${db}.keys`, 'ledger.key'), own, { mode: 0o600 });
    });

    it.each([
      ['empty', ''],
      ['truncated', 'PRIVATE+KEY+warden.local/log/0a'],
    ])(
      'names a damaged (%s) key file and what to do, and makes no new key',
      async (_what, text) => {
        const file = join(`${db}.keys`, 'ledger.key');
        const own = readFileSync(file);
        writeFileSync(file, text, { mode: 0o600 });
        await expectRefusedUnchanged({}, 'KEY_FILE_DAMAGED', file);
        expect(readFileSync(file, 'utf8')).toBe(text);
        writeFileSync(file, own, { mode: 0o600 });
      },
    );

    it('refuses to make a new key when its key file is gone', async () => {
      const file = join(`${db}.keys`, 'master.key');
      const own = readFileSync(file);
      rmSync(file);
      await expectRefusedUnchanged({}, 'KEY_FILE_MISSING', file);
      expect(existsSync(file)).toBe(false);
      writeFileSync(file, own, { mode: 0o600 });
      const r = await warden(['ingest', second, '--db', db]);
      expect(r.code).toBe(0);
      expect(landed(db).events.get(2)).toBe(EVENTS);
    });
  });
});
