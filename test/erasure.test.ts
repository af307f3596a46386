import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Vault, loadMasterKey } from '../src/privacy/index.js';
import { SqliteStore } from '../src/store/index.js';
import { line, runCli, tempDir } from './helpers.js';

// GDPR Art. 17: erasing a person destroys their data key; the ledger, which commits to the
// ciphertext, must still verify.
describe('erasing a reviewer', () => {
  const dir = tempDir('warden-erase-');
  afterAll(() => dir.cleanup());

  it('makes their personal data unreadable while the ledger still verifies', async () => {
    const db = join(dir.path, 'e.db');
    const file = join(dir.path, 'r.ndjson');
    writeFileSync(
      file,
      [
        line({
          v: 1,
          kind: 'reviewer',
          id: 'rv-1',
          email: 'jane.doe@example.com',
          name: 'Jane Doe',
        }),
        line({ v: 1, kind: 'reviewer', id: 'rv-2', email: 'max@example.org' }),
      ].join('\n'),
    );
    expect((await runCli(['ingest', file, '--db', db])).code).toBe(0);

    const store = SqliteStore.open(db);
    const vault = new Vault(loadMasterKey(join(`${db}.keys`, 'master.key')), store.dataKeys);
    const sealed = JSON.parse((await store.directory.get('reviewer', 'rv-1')) ?? '{}') as {
      email: string;
    };
    expect(vault.open('rv-1', 'email', sealed.email)).toBe('jane.doe@example.com');
    expect(await vault.erase('rv-1')).toBe(true);
    expect(() =>
      new Vault(loadMasterKey(join(`${db}.keys`, 'master.key')), store.dataKeys).open(
        'rv-1',
        'email',
        sealed.email,
      ),
    ).toThrow(/erased/);
    const other = JSON.parse((await store.directory.get('reviewer', 'rv-2')) ?? '{}') as {
      email: string;
    };
    expect(vault.open('rv-2', 'email', other.email)).toBe('max@example.org');
    await store.close();

    const verify = await runCli(['ledger', 'verify', '--db', db, '--json']);
    expect(verify.code).toBe(0);
    expect((JSON.parse(verify.out) as { ok: boolean }).ok).toBe(true);
  });
});
