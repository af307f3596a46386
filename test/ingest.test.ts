import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { employee, event, line, runCli, tempDir } from './helpers.js';

interface Report {
  events: number;
  duplicates: number;
  directoryVersions: number;
  unchanged: number;
  dangling: { kind: string; id: string; firstLine: number; from: string }[];
  ledgerSize: number;
}

describe('warden ingest', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  describe('when an event id repeats', () => {
    it('stores it once and counts the duplicate', async () => {
      const db = join(dir.path, 'dup.db');
      const file = join(dir.path, 'dup.ndjson');
      writeFileSync(file, [employee('e-1'), event('x'), event('x'), event('y')].join('\n'));
      const r = await runCli(['ingest', file, '--db', db, '--json']);
      const [report] = JSON.parse(r.out) as Report[];
      expect(report).toMatchObject({ events: 2, duplicates: 1, ledgerSize: 3 });
      const again = await runCli(['ingest', file, '--db', db, '--json']);
      expect(again.code).toBe(0);
      expect(again.out).toContain('"events": 0');
      const stats = JSON.parse((await runCli(['stats', '--db', db, '--json'])).out) as {
        counts: { event: number };
      };
      expect(stats.counts.event).toBe(2);
    });

    it('stores it once when the repeat is hundreds of lines later in the batch', async () => {
      const db = join(dir.path, 'dup-far.db');
      const file = join(dir.path, 'dup-far.ndjson');
      const lines = [employee('e-1')];
      for (let i = 0; i < 700; i++) lines.push(event(i === 600 ? 'far-3' : `far-${i}`));
      writeFileSync(file, lines.join('\n'));
      const r = await runCli(['ingest', file, '--db', db, '--json']);
      const [report] = JSON.parse(r.out) as Report[];
      expect(report).toMatchObject({ events: 699, duplicates: 1, ledgerSize: 700 });
      expect((await runCli(['ledger', 'verify', '--db', db])).code).toBe(0);
    });
  });

  describe('when directory records arrive after the events that name them', () => {
    it('reports only the references still dangling at the end of the batch', async () => {
      const db = join(dir.path, 'late.db');
      const file = join(dir.path, 'late.ndjson');
      writeFileSync(
        file,
        [
          event('a', { actor: 'e-7' }),
          event('b', { actor: 'e-8', ticket: 't-1' }),
          employee('e-7'),
          line({ v: 1, kind: 'seller', id: 's-1', category: 'toys', region: 'EU' }),
        ].join('\n'),
      );
      const r = await runCli(['ingest', file, '--db', db, '--json']);
      expect(r.code).toBe(0);
      const [report] = JSON.parse(r.out) as Report[];
      expect(report?.dangling.map((d) => [d.kind, d.id, d.firstLine, d.from])).toEqual([
        ['employee', 'e-8', 2, 'event.actor'],
        ['ticket', 't-1', 2, 'event.ticket'],
      ]);
    });
  });

  describe('when a directory record is sent again', () => {
    it('keeps the last write, and an unchanged resend adds no version', async () => {
      const db = join(dir.path, 'upd.db');
      const file = join(dir.path, 'upd.ndjson');
      writeFileSync(
        file,
        [
          employee('e-1'),
          employee('e-1', { team: 'legal' }),
          employee('e-1', { team: 'legal' }),
        ].join('\n'),
      );
      const [report] = JSON.parse(
        (await runCli(['ingest', file, '--db', db, '--json'])).out,
      ) as Report[];
      expect(report).toMatchObject({ directoryVersions: 2, unchanged: 1 });
      const stats = JSON.parse((await runCli(['stats', '--db', db, '--json'])).out) as {
        employeesBySite: { team: string }[];
      };
      expect(stats.employeesBySite).toEqual([{ site: 'Dublin', team: 'legal', employees: 1 }]);
    });
  });

  describe('when directory records are sent again in later chunks and batches', () => {
    it('recognises the unchanged ones, versions the changed ones, and points at the newest', async () => {
      const db = join(dir.path, 'resend.db');
      const seller = (i: number, region = 'EU'): string =>
        line({ v: 1, kind: 'seller', id: `s-${i}`, category: 'toys', region });
      const first = join(dir.path, 'resend-1.ndjson');
      // 1,500 sellers: the resends below come in a later chunk than their first version
      writeFileSync(
        first,
        [
          ...Array.from({ length: 1500 }, (_, i) => seller(i)),
          seller(0), // unchanged
          seller(1, 'US'), // changed
          seller(2, 'US'), // changed, then changed back in the same chunk
          seller(2),
          seller(1, 'US'), // unchanged since its change
        ].join('\n'),
      );
      const [one] = JSON.parse(
        (await runCli(['ingest', first, '--db', db, '--json'])).out,
      ) as Report[];
      expect(one).toMatchObject({ directoryVersions: 1503, unchanged: 2, ledgerSize: 1503 });
      const second = join(dir.path, 'resend-2.ndjson');
      writeFileSync(
        second,
        [seller(1, 'US'), seller(2, 'APAC'), seller(3), seller(1500)].join('\n'),
      );
      const [two] = JSON.parse(
        (await runCli(['ingest', second, '--db', db, '--json'])).out,
      ) as Report[];
      expect(two).toMatchObject({ directoryVersions: 2, unchanged: 2, ledgerSize: 1505 });
      const stats = JSON.parse((await runCli(['stats', '--db', db, '--json'])).out) as {
        counts: { seller: number };
      };
      expect(stats.counts.seller).toBe(1501);
      // every current pointer names its record's newest version
      expect((await runCli(['ledger', 'verify', '--db', db])).code).toBe(0);
      const current = new Database(db, { readonly: true });
      const region = (id: string): string =>
        (
          JSON.parse(
            current
              .prepare(
                `SELECT v.payload FROM directory_current c JOIN directory_versions v ON v.leaf = c.leaf
                 WHERE c.kind = 'seller' AND c.key = ?`,
              )
              .pluck()
              .get(id) as string,
          ) as { region: string }
        ).region;
      expect(['s-0', 's-1', 's-2', 's-3', 's-1500'].map(region)).toEqual([
        'EU',
        'US',
        'APAC',
        'EU',
        'EU',
      ]);
      current.close();
    });
  });

  describe('when the input is gzip or stdin', () => {
    it('reads .ndjson.gz by its magic bytes and - from stdin', async () => {
      const db = join(dir.path, 'gz.db');
      const file = join(dir.path, 'in.ndjson.gz');
      writeFileSync(
        file,
        gzipSync(Buffer.from([employee('e-1'), event('g1'), event('g2')].join('\r\n'))),
      );
      const r = await runCli(['ingest', file, '--db', db, '--json']);
      expect((JSON.parse(r.out) as Report[])[0]?.events).toBe(2);
      const s = await runCli(['ingest', '-', '--db', db, '--json'], `${event('g3')}\n`);
      expect(s.code).toBe(0);
      expect((JSON.parse(s.out) as Report[])[0]?.events).toBe(1);
    });
  });

  describe('when a reviewer is imported', () => {
    it('never writes the raw email or name to the database file', async () => {
      const db = join(dir.path, 'pii.db');
      const file = join(dir.path, 'pii.ndjson');
      writeFileSync(
        file,
        line({
          v: 1,
          kind: 'reviewer',
          id: 'rv-1',
          email: 'jane.doe@example.com',
          name: 'Jane Quincy Doe',
        }),
      );
      const r = await runCli(['ingest', file, '--db', db]);
      expect(r.code).toBe(0);
      await runCli(['ledger', 'checkpoint', '--db', db]);
      const bytes = Buffer.concat([
        readFileSync(db),
        ...['-wal'].map((s) => {
          try {
            return readFileSync(db + s);
          } catch {
            return Buffer.alloc(0);
          }
        }),
      ]);
      expect(bytes.includes('jane.doe')).toBe(false);
      expect(bytes.includes('Quincy')).toBe(false);
      expect(bytes.includes('rv-1')).toBe(true);
    });
  });
});
