import { copyFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employee, event, runCli, tempDir } from './helpers.js';

interface Verify {
  ok: boolean;
  size: number;
  firstBadIndex?: number;
  problems: { index: number; code: string }[];
}

// A database administrator edits the database directly; `warden ledger verify` must say where.
describe('warden ledger verify', () => {
  const dir = tempDir('warden-tamper-');
  const golden = join(dir.path, 'golden.db');
  const older = join(dir.path, 'older.db');
  const exported = join(dir.path, 'head.checkpoint');
  let n = 0;

  beforeAll(async () => {
    const a = join(dir.path, 'a.ndjson');
    const b = join(dir.path, 'b.ndjson');
    writeFileSync(
      a,
      [
        employee('e-1'),
        ...Array.from({ length: 600 }, (_, i) =>
          // some with a context, as most events carry one
          event(`a-${i}`, i % 100 === 5 ? { context: { device: 'd-1', session: 's-1' } } : {}),
        ),
      ].join('\n'),
    );
    writeFileSync(b, Array.from({ length: 400 }, (_, i) => event(`b-${i}`)).join('\n'));
    expect((await runCli(['ingest', a, '--db', golden])).code).toBe(0);
    copyDb(golden, older);
    expect((await runCli(['ingest', b, '--db', golden])).code).toBe(0);
    expect(
      (await runCli(['ledger', 'export-checkpoint', '--db', golden, '--out', exported])).code,
    ).toBe(0);
  });
  afterAll(() => dir.cleanup());

  /** A fresh copy of the populated database (and its keys), edited by `sql`. */
  async function tampered(sql: string): Promise<{ code: number; report: Verify }> {
    const path = join(dir.path, `t${n++}.db`);
    copyDb(golden, path);
    const db = new Database(path);
    db.exec(sql);
    db.close();
    const r = await runCli(['ledger', 'verify', '--db', path, '--json']);
    return { code: r.code, report: JSON.parse(r.out) as Verify };
  }

  it('passes on the untouched database, also against the exported checkpoint', async () => {
    const r = await runCli(['ledger', 'verify', '--db', golden, '--json', '--against', exported]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as Verify).size).toBe(1001);
  });

  describe('when one field of a record is changed', () => {
    it('names the record index', async () => {
      const { code, report } = await tampered("UPDATE events SET actor = 'e-2' WHERE leaf = 57");
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(57);
      expect(report.problems[0]?.code).toBe('LEAF_MISMATCH');
    });
    it('catches a change to a directory record too', async () => {
      const { code, report } = await tampered(
        "UPDATE directory_versions SET payload = replace(payload, 'Dublin', 'Seattle') WHERE leaf = 0",
      );
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(0);
    });
  });

  describe('when a record is deleted', () => {
    it('names the gap', async () => {
      const { code, report } = await tampered('DELETE FROM events WHERE leaf = 300');
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(300);
      expect(report.problems[0]?.code).toBe('RECORD_MISSING');
    });
  });

  describe('when two records are swapped', () => {
    it('names the first of them', async () => {
      const { code, report } = await tampered(
        'UPDATE events SET leaf = -1 WHERE leaf = 12; UPDATE events SET leaf = 12 WHERE leaf = 700; UPDATE events SET leaf = 700 WHERE leaf = -1;',
      );
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(12);
    });
  });

  describe('when a record is inserted', () => {
    it('names the index it was slipped in at', async () => {
      const { code, report } = await tampered(
        "INSERT INTO events (leaf, id, ts, time, actor, action, target_type, target_id) VALUES (1001, 'forged', 0, '2026-03-02T09:14:05Z', 'e-1', 'seller.metrics.view', 'seller', 's-1')",
      );
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(1001);
      expect(report.problems[0]?.code).toBe('RECORD_WITHOUT_LEAF');
    });
  });

  describe('when a stored record is no longer JSON', () => {
    it('names it', async () => {
      const { code, report } = await tampered(
        // the guard's index on attrs refuses malformed JSON: the writer drops it first
        'DROP INDEX events_approval; UPDATE events SET attrs = \'{"rows":\' WHERE leaf = 420',
      );
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(420);
      expect(report.problems[0]?.code).toBe('RECORD_MALFORMED');
    });
  });

  // A stored JSON column is spliced into the record's line when the leaf is recomputed: text
  // that is not one object on its own could carry members standing in for the row's columns.
  describe('when a stored JSON column carries a member of its record', () => {
    it('refuses a context that hides the real actor behind another', async () => {
      // leaf 106 is a-105, with a context; the actor column now names e-2, while the line
      // (context spliced after the actor) would still say e-1, as the leaf does
      const { code, report } = await tampered(
        `UPDATE events SET actor = 'e-2', context = context || ',"actor":"e-1"' WHERE leaf = 106`,
      );
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(106);
      expect(report.problems[0]?.code).toBe('RECORD_MALFORMED');
    });
    it('refuses the same splice when another column is stored as a blob', async () => {
      // a blob actor takes the line's path; the spliced context must not carry the old actor
      const { code, report } = await tampered(
        `UPDATE events SET actor = CAST('e-2' AS BLOB), context = context || ',"actor":"e-1"' WHERE leaf = 106`,
      );
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(106);
      expect(report.problems[0]?.code).toBe('RECORD_MALFORMED');
    });
    it('refuses a directory payload that names the kind its row no longer has', async () => {
      const { code, report } = await tampered(
        `UPDATE directory_versions SET kind = 'seller', payload = substr(payload, 1, length(payload) - 1) || ',"kind":"employee"}' WHERE leaf = 0;
         UPDATE directory_current SET kind = 'seller' WHERE leaf = 0`,
      );
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(0);
      expect(report.problems[0]?.code).toBe('RECORD_MALFORMED');
    });
  });

  describe('when a stored hash is rewritten', () => {
    it('names the leaves under the tile', async () => {
      const { code, report } = await tampered(
        'UPDATE ledger_tiles SET data = zeroblob(length(data)) WHERE tile_level = 0 AND tile_index = 2',
      );
      expect(code).toBe(1);
      expect(report.firstBadIndex).toBe(512);
    });
  });

  describe('when a checkpoint is replaced', () => {
    it('reports the forged signature', async () => {
      const { code, report } = await tampered(
        "UPDATE ledger_checkpoints SET note = replace(note, char(10) || '1001' || char(10), char(10) || '1000' || char(10)) WHERE size = 1001",
      );
      expect(code).toBe(1);
      expect(report.problems.map((p) => [p.index, p.code])).toEqual([
        [601, 'UNSIGNED_TAIL'], // the newest genuine checkpoint covers 601 leaves
        [1001, 'CHECKPOINT_SIGNATURE'], // the forged row claims size 1001
      ]);
    });
  });

  describe('when the tail is truncated', () => {
    it('is a consistent prefix on its own, and is caught against the exported checkpoint', async () => {
      const alone = await runCli(['ledger', 'verify', '--db', older, '--json']);
      expect(alone.code).toBe(0);
      const r = await runCli(['ledger', 'verify', '--db', older, '--json', '--against', exported]);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.out) as Verify;
      expect(report.firstBadIndex).toBe(601);
      expect(report.problems[0]?.code).toBe('TRUNCATED');
    });
  });
});

function copyDb(from: string, to: string): void {
  const db = new Database(from);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  copyFileSync(from, to);
  cpSync(`${from}.keys`, `${to}.keys`, { recursive: true });
}
