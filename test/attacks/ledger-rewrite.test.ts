import { copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TileWriter,
  formatCheckpoint,
  recordLeafHash,
  signNote,
  treeRoot,
  TileReader,
} from '../../src/ledger/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { employee, event, runCli, tempDir } from '../helpers.js';

interface Verify {
  ok: boolean;
  size: number;
  signedSize: number;
  problems: { index: number; code: string }[];
}

/**
 * The attacker can write the database file (not the key folder): they change what an
 * employee did, then make the log look whole again with Warden's own tile code. Before, this
 * passed `ledger verify` as soon as every checkpoint covering the change was deleted.
 */
describe('a database writer rewrites the ledger', () => {
  const dir = tempDir('warden-rewrite-');
  const golden = join(dir.path, 'golden.db');
  const exported = join(dir.path, 'head.checkpoint');
  let n = 0;

  beforeAll(async () => {
    const a = join(dir.path, 'a.ndjson');
    const b = join(dir.path, 'b.ndjson');
    writeFileSync(
      a,
      [employee('e-1'), ...Array.from({ length: 600 }, (_, i) => event(`a-${i}`))].join('\n'),
    );
    writeFileSync(b, Array.from({ length: 400 }, (_, i) => event(`b-${i}`)).join('\n'));
    expect((await runCli(['ingest', a, '--db', golden])).code).toBe(0); // checkpoint at 601
    expect((await runCli(['ingest', b, '--db', golden])).code).toBe(0); // checkpoint at 1001
    const out = await runCli(['ledger', 'export-checkpoint', '--db', golden, '--out', exported]);
    expect(out.code).toBe(0);
  });
  afterAll(() => dir.cleanup());

  /** A copy of the database and its keys, edited by `sql`, its tiles then rebuilt from the records. */
  async function rewritten(sql: string, size?: number): Promise<string> {
    const path = join(dir.path, `r${n++}.db`);
    const db = new Database(golden);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    copyFileSync(golden, path);
    cpSync(`${golden}.keys`, `${path}.keys`, { recursive: true });
    const edit = new Database(path);
    edit.exec(sql);
    edit.close();
    await rebuildTiles(path, size);
    return path;
  }

  async function verify(path: string, ...extra: string[]): Promise<[number, Verify]> {
    const r = await runCli(['ledger', 'verify', '--db', path, '--json', ...extra]);
    return [r.code, JSON.parse(r.out) as Verify];
  }

  const codes = (v: Verify): [number, string][] => v.problems.map((p) => [p.index, p.code]);

  describe('when an actor is changed and every checkpoint deleted (the reported attack)', () => {
    it('fails: no signed checkpoint covers the log', async () => {
      const path = await rewritten(
        "UPDATE events SET actor = 'e-2' WHERE leaf = 57; DELETE FROM ledger_checkpoints;",
      );
      const [code, report] = await verify(path);
      expect(code).toBe(1);
      // the rewrite itself is perfect: every leaf and tile agrees with the changed records
      expect(codes(report)).toEqual([[0, 'UNSIGNED_TAIL']]);
      expect(report.signedSize).toBe(0);
    });

    it('is refused by export-checkpoint, which hands out no older checkpoint as the head', async () => {
      const path = await rewritten(
        "UPDATE events SET actor = 'e-2' WHERE leaf = 57; DELETE FROM ledger_checkpoints WHERE size > 57;",
      );
      const out = join(dir.path, 'stale.checkpoint');
      const r = await runCli(['ledger', 'export-checkpoint', '--db', path, '--out', out]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('HEAD_NOT_SIGNED');
      expect(existsSync(out)).toBe(false);
    });
  });

  describe('when the change is after the older checkpoint and only newer ones are deleted', () => {
    it('fails on the unsigned tail after the last checkpoint left', async () => {
      const path = await rewritten(
        "UPDATE events SET actor = 'e-2' WHERE leaf = 700; DELETE FROM ledger_checkpoints WHERE size > 700;",
      );
      const [code, report] = await verify(path);
      expect(code).toBe(1);
      expect(codes(report)).toEqual([[601, 'UNSIGNED_TAIL']]);
      expect(report.signedSize).toBe(601);
    });
  });

  describe('when the change is under a checkpoint that is kept', () => {
    it('fails: the kept checkpoint signs another root', async () => {
      const path = await rewritten(
        "UPDATE events SET actor = 'e-2' WHERE leaf = 57; DELETE FROM ledger_checkpoints WHERE size > 601;",
      );
      const [code, report] = await verify(path);
      expect(code).toBe(1);
      expect(codes(report)).toEqual([
        [601, 'CHECKPOINT_MISMATCH'],
        [601, 'UNSIGNED_TAIL'],
      ]);
    });
  });

  describe('when the tail is cut', () => {
    it('at a checkpoint: the prefix is signed, so only the checkpoint kept outside catches it', async () => {
      const path = await rewritten(
        'DELETE FROM events WHERE leaf >= 601; DELETE FROM ledger_checkpoints WHERE size > 601;',
        601,
      );
      const [alone] = await verify(path);
      expect(alone).toBe(0); // the limit of the database alone (docs/ledger.md, threat model)
      const [code, report] = await verify(path, '--against', exported);
      expect(code).toBe(1);
      expect(codes(report)).toEqual([[601, 'TRUNCATED']]);
    });

    it('between checkpoints: the rest of the cut batch is an unsigned tail', async () => {
      const path = await rewritten(
        'DELETE FROM events WHERE leaf >= 800; DELETE FROM ledger_checkpoints WHERE size > 800;',
        800,
      );
      const [code, report] = await verify(path);
      expect(code).toBe(1);
      expect(codes(report)).toEqual([[601, 'UNSIGNED_TAIL']]);
    });
  });

  describe('when stored checkpoints are reordered', () => {
    it('fails: a later checkpoint may not be smaller than an earlier one', async () => {
      const path = await rewritten(
        'INSERT INTO ledger_checkpoints (size, root_hash, note, created_at) SELECT size, root_hash, note, created_at FROM ledger_checkpoints WHERE size = 601;',
      );
      const [code, report] = await verify(path);
      expect(code).toBe(1);
      expect(codes(report)).toEqual([[601, 'CHECKPOINT_ORDER']]);
    });
  });

  describe('when the writer also holds the ledger key and signs a rewritten head', () => {
    it('fails: the new head does not extend the stored checkpoints (a consistency proof)', async () => {
      const path = await rewritten("UPDATE events SET actor = 'e-2' WHERE leaf = 900;");
      await appendSignedHead(path);
      const [code, report] = await verify(path);
      expect(code).toBe(1);
      expect(codes(report)).toEqual([
        // the rebuilt tiles prove no path from the genuine 601 to the genuine 1001
        [601, 'CHECKPOINT_INCONSISTENT'],
        [1001, 'CHECKPOINT_MISMATCH'], // the genuine head signs the original records
        [1001, 'CHECKPOINT_INCONSISTENT'], // the forged head at the same size signs another root
      ]);
    });
  });
});

/** What the attacker runs: Warden's own TileWriter over the (changed) records. */
async function rebuildTiles(path: string, size?: number): Promise<void> {
  const store = SqliteStore.open(path);
  const writer = new TileWriter();
  for await (const { record } of store.ledger.records()) writer.append(recordLeafHash(record));
  const tx = await store.begin();
  await tx.putTiles(writer.takeDirtyTiles());
  await tx.setLedgerSize(size ?? writer.size);
  await tx.commit();
  await store.close();
  if (size !== undefined) {
    const db = new Database(path); // a cut log: drop the tiles beyond it as well
    db.exec('DELETE FROM ledger_tiles WHERE tile_level = 0 AND tile_index > 3');
    db.close();
  }
}

/** Signs the current (rebuilt) head with the ledger key and stores it as a checkpoint. */
async function appendSignedHead(path: string): Promise<void> {
  const signer = readFileSync(`${path}.keys/ledger.key`, 'utf8').trim();
  const store = SqliteStore.open(path);
  const size = await store.ledger.size();
  const tiles = new Map<string, Buffer>();
  for await (const t of store.ledger.tiles()) tiles.set(`${t.tileLevel}/${t.tileIndex}`, t.data);
  const rootHash = treeRoot(size, new TileReader((l, i) => tiles.get(`${l}/${i}`)));
  const origin = signer.split('+')[2] ?? '';
  const note = signNote(formatCheckpoint({ origin, size, rootHash }), [signer]);
  const tx = await store.begin();
  await tx.putCheckpoint({ size, rootHash, note, createdAt: '2026-12-04T00:00:00Z' });
  await tx.commit();
  await store.close();
}
