import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import * as SrcIngest from '../src/ingest/index.js';
import * as SrcLedger from '../src/ledger/index.js';
import * as SrcPrivacy from '../src/privacy/index.js';
import * as SrcStore from '../src/store/index.js';
import { tempDir } from './helpers.js';

// The sealing thread runs only from the compiled build (`npm test` builds first): this test
// imports one stream through the compiled modules (sealing on the thread) and through the
// sources (sealing in this thread), with one master key, and holds the two databases equal in
// everything but the random data keys: the same versions and leaves, every leaf the hash of
// its stored record, every sealed value opening to what was sent, the same people keyed.
const DIST = fileURLToPath(new URL('../dist/src/', import.meta.url));
const built = existsSync(join(DIST, 'ingest', 'seal-worker.js'));

interface Modules {
  ingest: typeof SrcIngest;
  ledger: typeof SrcLedger;
  privacy: typeof SrcPrivacy;
  store: typeof SrcStore;
}
const SOURCES: Modules = {
  ingest: SrcIngest,
  ledger: SrcLedger,
  privacy: SrcPrivacy,
  store: SrcStore,
};

async function compiled(): Promise<Modules> {
  const load = async <T>(ctx: string): Promise<T> =>
    (await import(join(DIST, ctx, 'index.js'))) as T;
  return {
    ingest: await load('ingest'),
    ledger: await load('ledger'),
    privacy: await load('privacy'),
    store: await load('store'),
  };
}

const line = (o: Record<string, unknown>): string => JSON.stringify({ v: 1, ...o });
const reviewer = (i: number, name = `Name ${i}`): string =>
  line({
    kind: 'reviewer',
    id: `u-${i}`,
    email: `p${i}@mail.example`,
    name,
    attrs: {
      altEmail: `alt${i}@x.example`,
      notes: { backup: [`b${i}@y.example`, 'plain'] },
      score: i % 5,
    },
  });

/** Two chunks and more of people, resends (unchanged and changed), events between them. */
function stream(): string {
  const out: string[] = [];
  for (let i = 0; i < 20; i++) {
    const attrs =
      i % 3 === 0
        ? undefined
        : i % 3 === 1
          ? { privateEmail: `e${i}@home.example`, desk: 'D1' }
          : { desk: 'D2' };
    out.push(
      line({
        kind: 'employee',
        id: `e-${i}`,
        team: 't',
        role: 'r',
        site: 's',
        ...(attrs ? { attrs } : {}),
      }),
    );
  }
  out.push(line({ kind: 'seller', id: 's-1', category: 'c', region: 'eu' }));
  for (let i = 0; i < 6000; i++) {
    out.push(reviewer(i));
    if (i % 1000 === 0)
      out.push(
        line({
          kind: 'event',
          id: `ev-${i}`,
          time: '2026-03-02T09:14:05Z',
          actor: 'e-1',
          action: 'seller.metrics.view',
          target: { type: 'seller', id: 's-1' },
        }),
      );
  }
  for (let i = 0; i < 300; i++) out.push(reviewer(i)); // unchanged: no new version
  for (let i = 300; i < 600; i++) out.push(reviewer(i, `Renamed ${i}`)); // a new version each
  out.push(line({ kind: 'reviewer', id: 'u-josé', email: 'jose@mail.example' })); // zod's path
  return `${out.join('\n')}\n`;
}

describe.runIf(built || process.env['CI'])('directory records sealed on the sealing thread', () => {
  const dir = tempDir('warden-seal-');
  afterAll(() => dir.cleanup());
  const masterKey = randomBytes(32);
  const file = join(dir.path, 'people.ndjson');
  writeFileSync(file, stream());

  async function importWith(m: Modules, db: string) {
    const store = m.store.SqliteStore.open(join(dir.path, db));
    const ledger = await m.ledger.Ledger.open(store, m.ledger.generateSignerKey('test.local/log'));
    const vault = new m.privacy.Vault(masterKey, store.dataKeys);
    const personalData = new m.privacy.PersonalData({ employee: ['private_email'] });
    const report = await m.ingest.importSource(store, ledger, vault, m.ingest.fileSource(file), {
      now: () => '2026-03-02T10:00:00Z',
      personalData,
      emailHashes: new m.privacy.EmailHashes(masterKey),
    });
    return { store, ledger, report };
  }

  it('stores what sealing in this thread stores, leaf for leaf, key for key', async () => {
    const thread = await importWith(await compiled(), 'thread.db');
    const inline = await importWith(SOURCES, 'inline.db');
    const strip = ({ checkpoint: _c, ...r }: SrcIngest.ImportReport) => r;
    expect(strip(thread.report)).toEqual(strip(inline.report));
    expect(thread.report.rejected).toBe(0);
    expect(thread.report.unchanged).toBe(300);
    expect(thread.report.directoryVersions).toBe(20 + 1 + 6000 + 300 + 1);

    const read = (db: string) => {
      const d = new Database(join(dir.path, db), { readonly: true });
      const versions = d
        .prepare('SELECT leaf, kind, key, payload FROM directory_versions ORDER BY leaf')
        .all() as { leaf: number; kind: string; key: string; payload: string }[];
      const subjects = d
        .prepare('SELECT subject FROM data_keys ORDER BY subject')
        .pluck()
        .all() as string[];
      const addressHashes = d
        .prepare('SELECT hash, reviewer FROM reviewer_email_hashes ORDER BY reviewer, hash')
        .all() as { hash: Buffer; reviewer: string }[];
      d.close();
      return { versions, subjects, addressHashes };
    };
    const t = read('thread.db');
    const i = read('inline.db');
    expect(t.versions.map(({ payload: _p, ...v }) => v)).toEqual(
      i.versions.map(({ payload: _p, ...v }) => v),
    );
    // one key per person sealed: every reviewer, the employees with a declared personal attr
    expect(t.subjects).toEqual(i.subjects);
    expect(t.subjects).toContain('employee:e-1');
    expect(t.subjects).not.toContain('employee:e-2');
    expect(t.subjects).not.toContain('employee:e-0');
    expect(t.subjects.length).toBe(6001 + 7);
    // every reviewer's address indexed by keyed hash, as `EmailHashes#hashOf` hashes it
    expect(t.addressHashes).toEqual(i.addressHashes);
    expect(t.addressHashes.length).toBe(6001);
    const emailHashes = new SrcPrivacy.EmailHashes(masterKey);
    for (const { hash, reviewer: id } of t.addressHashes) {
      const address = id === 'u-josé' ? 'jose@mail.example' : `p${id.slice(2)}@mail.example`;
      expect(hash.equals(emailHashes.hashOf(address)), id).toBe(true);
    }

    const vault = new SrcPrivacy.Vault(masterKey, thread.store.dataKeys);
    for (const v of t.versions) {
      const body = JSON.parse(v.payload) as Record<string, unknown>;
      expect(v.payload).toBe(SrcLedger.canonicalJson(body));
      const record = { kind: v.kind, body } as unknown as Parameters<
        typeof SrcLedger.recordLeafHash
      >[0];
      expect(await thread.ledger.leafHashAt(v.leaf)).toEqual(SrcLedger.recordLeafHash(record));
      if (v.kind !== 'reviewer' || v.key === 'u-josé') continue;
      const n = Number(v.key.slice(2));
      const attrs = body['attrs'] as {
        altEmail: string;
        notes: { backup: string[] };
        score: number;
      };
      expect(vault.open(v.key, 'email', body['email'] as string)).toBe(`p${n}@mail.example`);
      expect(vault.open(v.key, 'name', body['name'] as string)).toMatch(
        new RegExp(`^(Name|Renamed) ${n}$`),
      );
      expect(vault.open(v.key, 'attrs.altEmail', attrs.altEmail)).toBe(`alt${n}@x.example`);
      expect(vault.open(v.key, 'attrs.notes.backup.0', attrs.notes.backup[0]!)).toBe(
        `b${n}@y.example`,
      );
      expect(attrs.notes.backup[1]).toBe('plain');
      expect(attrs.score).toBe(n % 5);
    }
    for (const x of [thread, inline]) {
      await x.ledger.close();
      await x.store.close();
    }
  });

  describe('when lines are refused among the records', () => {
    // Chunks of directory lines are parsed on the sealing thread, events here as they are
    // read: refusals, references and writes must still come in file order.
    const mixed: string[] = [];
    const refused: number[] = []; // the line numbers expected refused
    const push = (text: string, bad = false): void => {
      mixed.push(text);
      if (bad) refused.push(mixed.length);
    };
    for (let i = 0; i < 3000; i++) {
      push(reviewer(i));
      push(
        line({
          kind: 'review',
          id: `r-${i}`,
          productId: `p-${i % 7}`,
          reviewerId: `u-${i}`,
          rating: 1 + (i % 5),
          createdAt: '2026-03-01T00:00:00Z',
        }),
      );
      if (i % 250 === 3) push('{"v":1,"kind":"reviewer","id":"u-x"}', true); // missing email
      if (i % 400 === 7) push('{"v":1,"kind":"event",', true); // not JSON
      if (i % 600 === 11)
        push(line({ kind: 'seller', id: `s-${i}`, category: 'c', colour: 'red' }), true);
      if (i % 500 === 13) {
        // an event that does not look like one to the reader, and one that is refused
        push(
          `{"v": 1, "kind": "event", "id": "ev-${i}", "time": "2026-03-02T09:14:05Z", "actor": "e-${i}", "action": "seller.metrics.view", "target": {"type": "seller", "id": "s-1"}}`,
        );
        push(
          line({
            kind: 'event',
            id: `ev-bad-${i}`,
            time: '2026-03-02 09:14',
            actor: 'e-1',
            action: 'seller.metrics.view',
            target: { type: 'seller', id: 's-1' },
          }),
          true,
        );
        // a directory record that does look like an event
        push(line({ kind: 'seller', id: `s-ev-${i}`, category: 'event', region: 'eu' }));
      }
    }
    const file = join(dir.path, 'mixed.ndjson');
    writeFileSync(file, `${mixed.join('\n')}\n`);

    async function importMixed(m: Modules, db: string, skipInvalid: boolean) {
      const store = m.store.SqliteStore.open(join(dir.path, db));
      const ledger = await m.ledger.Ledger.open(
        store,
        m.ledger.generateSignerKey('test.local/log'),
      );
      const vault = new m.privacy.Vault(masterKey, store.dataKeys);
      const rejectsPath = join(dir.path, `${db}.rejects.ndjson`);
      const outcome = await m.ingest
        .importSource(store, ledger, vault, m.ingest.fileSource(file), {
          now: () => '2026-03-02T10:00:00Z',
          skipInvalid,
          rejectsPath,
          emailHashes: new m.privacy.EmailHashes(masterKey),
        })
        .then(
          ({ checkpoint: _c, rejectsFile: _r, ...report }) => ({ report }),
          (error: SrcIngest.InputError) => ({ code: error.code, issues: error.issues }),
        );
      const stored = await store.stats();
      await ledger.close();
      await store.close();
      return { outcome, stored, rejects: readFileSync(rejectsPath, 'utf8') };
    }

    it('lands the valid ones with --skip-invalid, telling the same refusals and dangling references', async () => {
      const thread = await importMixed(await compiled(), 'mixed-thread.db', true);
      const inline = await importMixed(SOURCES, 'mixed-inline.db', true);
      expect(thread).toEqual(inline);
      const report = (thread.outcome as { report: SrcIngest.ImportReport }).report;
      expect(report.rejected).toBe(refused.length);
      expect(report.issues.map((i) => i.line)).toEqual(refused.slice(0, 50));
      expect(
        thread.rejects
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { line: number }).line),
      ).toEqual(refused);
      expect(report.events).toBe(6);
      expect(report.directoryVersions).toBe(6000 + 6);
      // the products were never sent: every one dangles, named first by the first review of it
      expect(
        report.dangling
          .filter((d) => d.kind === 'product')
          .map((d) => [d.kind, d.id, d.firstLine, d.from]),
      ).toEqual(
        Array.from({ length: 7 }, (_, k) => [
          'product',
          `p-${k}`,
          mixed.findIndex((l) => l.includes(`"productId":"p-${k}"`)) + 1,
          'review.productId',
        ]),
      );
    });

    it('refuses the file whole without it, telling every refused line in order', async () => {
      const thread = await importMixed(await compiled(), 'refused-thread.db', false);
      const inline = await importMixed(SOURCES, 'refused-inline.db', false);
      expect(thread).toEqual(inline);
      const outcome = thread.outcome as { code: string; issues: SrcIngest.InputIssue[] };
      expect(outcome.code).toBe('INVALID_RECORDS');
      expect(outcome.issues.map((i) => i.line)).toEqual(refused.slice(0, 50));
      expect(thread.stored.ledgerSize).toBe(0);
      expect(thread.rejects.trim().split('\n')).toHaveLength(refused.length);
    });
  });

  it('stores the keys of a batch that was refused and sent again (none reused unstored)', async () => {
    const m = await compiled();
    const store = m.store.SqliteStore.open(join(dir.path, 'again.db'));
    const ledger = await m.ledger.Ledger.open(store, m.ledger.generateSignerKey('test.local/log'));
    const vault = new m.privacy.Vault(masterKey, store.dataKeys);
    const people = Array.from({ length: 5000 }, (_, i) => reviewer(i)).join('\n');
    const bad = join(dir.path, 'bad.ndjson');
    const good = join(dir.path, 'good.ndjson');
    writeFileSync(bad, `${people}\n{"v":1,"kind":"reviewer"}\n`);
    writeFileSync(good, `${people}\n`);
    const now = () => '2026-03-02T10:00:00Z';
    await expect(
      m.ingest.importSource(store, ledger, vault, m.ingest.fileSource(bad), { now }),
    ).rejects.toThrow(/invalid record/);
    await m.ingest.importSource(store, ledger, vault, m.ingest.fileSource(good), { now });
    // a vault that has never seen them opens every one from the stored keys alone
    const fresh = new SrcPrivacy.Vault(masterKey, store.dataKeys);
    for (let i = 0; i < 5000; i += 499) {
      const payload = JSON.parse((await store.directory.get('reviewer', `u-${i}`))!) as {
        email: string;
      };
      expect(fresh.open(`u-${i}`, 'email', payload.email)).toBe(`p${i}@mail.example`);
    }
    await ledger.close();
    await store.close();
  });
});
