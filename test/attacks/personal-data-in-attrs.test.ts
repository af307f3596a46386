import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivacyError, Vault, loadMasterKey } from '../../src/privacy/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { employee, line, runCli, tempDir } from '../helpers.js';

// Issue 13, row 10: a reviewer's `attrs.altEmail` was stored and ledgered in clear, and
// erasure could not remove it. Personal attrs are now sealed under the person's data key.
describe('personal data inside attrs', () => {
  const dir = tempDir('warden-pattrs-');
  const db = join(dir.path, 'p.db');
  const SECRETS = [
    'jane.alt@example.net', // attrs.altEmail (shipped default: an e-mail field)
    '+44 20 7946 0958', // attrs.Home_Phone (default: a phone field, separators folded)
    'jane.backup@example.org', // an address nested in a non-personal member (default: any address)
    'Flat 3, 12 Hill Rd', // attrs.shipTo (declared in the org profile)
    'max.private@example.com', // an employee's attrs.privateEmail (declared in the org profile)
  ];
  const vault = (store: SqliteStore) =>
    new Vault(loadMasterKey(join(`${db}.keys`, 'master.key')), store.dataKeys);
  const attrsOf = async (store: SqliteStore, kind: 'reviewer' | 'employee', id: string) =>
    (
      JSON.parse((await store.directory.get(kind, id)) ?? '{}') as {
        attrs: Record<string, unknown>;
      }
    ).attrs;

  beforeAll(async () => {
    writeFileSync(
      join(dir.path, 'warden.org.json'),
      JSON.stringify(
        { personalData: { reviewer: ['ship_to'], employee: ['privateEmail'] } },
        null,
        2,
      ),
    );
    const file = join(dir.path, 'people.ndjson');
    const reviewer = {
      v: 1,
      kind: 'reviewer',
      id: 'u-1',
      email: 'jane@example.com',
      attrs: {
        altEmail: SECRETS[0],
        Home_Phone: SECRETS[1],
        notes: { backup: [SECRETS[2]] },
        shipTo: SECRETS[3],
        tier: 'gold-tier-marker',
      },
    };
    writeFileSync(
      file,
      [
        line(reviewer),
        employee('e-1', { attrs: { privateEmail: SECRETS[4], desk: 'desk-marker-7' } }),
      ].join('\n') + '\n',
    );
    const r = await runCli(['ingest', file, '--db', db]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
  afterAll(() => dir.cleanup());

  it('stores no personal attrs value in clear anywhere in the database files', () => {
    const bytes = ['', '-wal']
      .map((s) => `${db}${s}`)
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    for (const secret of SECRETS) expect(bytes).not.toContain(secret);
    // the search itself works: what is not personal is there in clear
    expect(bytes).toContain('gold-tier-marker');
    expect(bytes).toContain('desk-marker-7');
  });

  it('opens them again under the person’s key, and erasure makes them unreadable', async () => {
    const store = SqliteStore.open(db);
    try {
      const attrs = await attrsOf(store, 'reviewer', 'u-1');
      const v = vault(store);
      expect(v.open('u-1', 'attrs.altEmail', attrs['altEmail'] as string)).toBe(SECRETS[0]);
      expect(v.open('u-1', 'attrs.Home_Phone', attrs['Home_Phone'] as string)).toBe(SECRETS[1]);
      const nested = (attrs['notes'] as { backup: string[] }).backup[0]!;
      expect(v.open('u-1', 'attrs.notes.backup.0', nested)).toBe(SECRETS[2]);
      expect(v.open('u-1', 'attrs.shipTo', attrs['shipTo'] as string)).toBe(SECRETS[3]);
      const staff = await attrsOf(store, 'employee', 'e-1');
      expect(v.open('employee:e-1', 'attrs.privateEmail', staff['privateEmail'] as string)).toBe(
        SECRETS[4],
      );

      expect(await v.erase('u-1')).toBe(true);
      const after = vault(store);
      for (const field of ['attrs.altEmail', 'attrs.Home_Phone', 'attrs.shipTo']) {
        const sealed = attrs[field.slice('attrs.'.length)] as string;
        expect(() => after.open('u-1', field, sealed)).toThrow(PrivacyError);
      }
      // the employee's key is their own: erasing the reviewer left it alone
      expect(
        after.open('employee:e-1', 'attrs.privateEmail', staff['privateEmail'] as string),
      ).toBe(SECRETS[4]);
    } finally {
      await store.close();
    }
    expect((await runCli(['ledger', 'verify', '--db', db])).code).toBe(0);
  });

  it('refuses an org profile whose personalData is wrong, naming file, line and field', async () => {
    const org = join(dir.path, 'bad.org.json');
    writeFileSync(
      org,
      '{\n  "detection": {"any": "thing"},\n  "personalData": {\n    "reviewer": ["altEmail", 7]\n  }\n}\n',
    );
    const file = join(dir.path, 'one.ndjson');
    writeFileSync(file, `${employee('e-2')}\n`);
    const r = await runCli(['ingest', file, '--db', db, '--org', org]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`[PROFILE_INVALID] ${org}:4: personalData.reviewer.1:`);
    const missing = await runCli([
      'ingest',
      file,
      '--db',
      db,
      '--org',
      join(dir.path, 'nope.json'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('nope.json: no such file');
  });
});
