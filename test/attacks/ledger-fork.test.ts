import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TileWriter,
  formatAddCheckpoint,
  formatCheckpoint,
  generateCosignerKey,
  openNote,
  parseCosignerKey,
  recordLeafHash,
  signNote,
} from '../../src/ledger/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { employee, event, runCli, tempDir } from '../helpers.js';

interface Verify {
  ok: boolean;
  problems: { index: number; code: string; message: string }[];
  outside?: { firstDisagreeing?: string; witnessedSize?: number };
}

/**
 * The attacker holds the database file and the ledger key. They cannot edit what left the
 * machine: the checkpoint log beside the keys (on another volume, in practice), and a
 * witness's state.
 */
describe('attack: fork or roll back the ledger with its own key', () => {
  const dir = tempDir('warden-fork-');
  const golden = join(dir.path, 'golden.db');
  const older = join(dir.path, 'older.db');
  const witnessDir = join(dir.path, 'witness');
  const outsideLog = `${golden}.keys/checkpoints.log`;
  let witnessKey = '';
  let logKey = '';

  beforeAll(async () => {
    const files = [
      [employee('e-1'), employee('e-2'), ...Array.from({ length: 299 }, (_, i) => event(`a-${i}`))],
      Array.from({ length: 200 }, (_, i) => event(`b-${i}`)),
      Array.from({ length: 100 }, (_, i) => event(`c-${i}`)),
    ];
    for (const [i, lines] of files.entries()) {
      const file = join(dir.path, `${i}.ndjson`);
      writeFileSync(file, lines.join('\n'));
      expect((await runCli(['ingest', file, '--db', golden])).code).toBe(0);
      if (i === 0) snapshot(golden, older);
      if (i === 1) await cosignHead(); // the witness cosigns size 501
    }
    cpSync(`${golden}.keys`, `${older}.keys`, { recursive: true }); // the key and the outside log
  });
  afterAll(() => dir.cleanup());

  async function cosignHead(): Promise<void> {
    witnessKey = (
      await runCli(['witness', 'init', '--dir', witnessDir, '--name', 'audit.example/w1'])
    ).out.trim();
    const exported = await runCli(['ledger', 'export-checkpoint', '--db', golden, '--json']);
    logKey = (JSON.parse(exported.out) as { verifierKey: string }).verifierKey;
    const request = join(dir.path, 'req-501');
    writeFileSync(
      request,
      (await runCli(['ledger', 'witness-request', '--db', golden, '--old', '0'])).out,
    );
    const answer = await runCli([
      'witness',
      'cosign',
      '--dir',
      witnessDir,
      '--log-key',
      logKey,
      '--request',
      request,
    ]);
    expect(answer.code).toBe(0);
    writeFileSync(`${request}.resp`, answer.out);
    const stored = await runCli([
      'ledger',
      'add-cosignatures',
      '--db',
      golden,
      '--request',
      request,
      '--response',
      `${request}.resp`,
      '--witness',
      witnessKey,
    ]);
    expect(stored.code).toBe(0);
  }

  async function verify(db: string, ...flags: string[]): Promise<{ code: number; report: Verify }> {
    const r = await runCli(['ledger', 'verify', '--db', db, '--json', ...flags]);
    return { code: r.code, report: JSON.parse(r.out) as Verify };
  }

  it('passes against the outside log and the witness when nothing was touched', async () => {
    const { code, report } = await verify(
      golden,
      '--against',
      outsideLog,
      '--witness',
      witnessKey,
      '--min-witnesses',
      '1',
    );
    expect(code).toBe(0);
    expect(report.outside?.witnessedSize).toBe(501);
  });

  describe('when history is rewritten, every checkpoint row deleted, tiles recomputed and a head re-signed', () => {
    const attacked = join(dir.path, 'attacked.db');

    beforeAll(async () => {
      snapshot(golden, attacked);
      await rewriteHistory(attacked, "UPDATE events SET actor = 'e-2' WHERE id = 'b-17'");
    });

    it('fails against the outside log, naming the first checkpoint that disagrees', async () => {
      const { code, report } = await verify(
        attacked,
        '--against',
        `${attacked}.keys/checkpoints.log`,
      );
      expect(code).toBe(1);
      expect(report.problems.map((p) => p.code)).toContain('OUTSIDE_CHECKPOINT_MISMATCH');
      // entry 1 (size 301) predates the change; entry 2 (size 501, line 7) is the first to disagree
      expect(report.outside?.firstDisagreeing).toBe(`${attacked}.keys/checkpoints.log line 7`);
    });

    it('is refused by the witness (422), and verification requiring it fails', async () => {
      const request = join(dir.path, 'req-forged');
      writeFileSync(
        request,
        (await runCli(['ledger', 'witness-request', '--db', attacked, '--old', '501'])).out,
      );
      const answer = await runCli([
        'witness',
        'cosign',
        '--dir',
        witnessDir,
        '--log-key',
        logKey,
        '--request',
        request,
        '--json',
      ]);
      expect(answer.code).toBe(1);
      expect(JSON.parse(answer.out)).toMatchObject({ status: 422, code: 'UNPROCESSABLE' });
      const { code, report } = await verify(
        attacked,
        '--witness',
        witnessKey,
        '--min-witnesses',
        '1',
      );
      expect(code).toBe(1);
      expect(report.problems.map((p) => p.code)).toEqual(
        expect.arrayContaining(['OUTSIDE_CHECKPOINT_MISMATCH', 'NOT_WITNESSED']),
      );
    });
  });

  describe('when the database is rolled back to an older copy (tail cut, checkpoints gone)', () => {
    it('fails against the outside log: TRUNCATED at the size the copy holds', async () => {
      const { code, report } = await verify(older, '--against', `${older}.keys/checkpoints.log`);
      expect(code).toBe(1);
      expect(report.problems.map((p) => [p.code, p.index])).toContainEqual(['TRUNCATED', 301]);
    });

    it('is refused by the witness: 409 with its latest size, or 400 claiming that size', async () => {
      const note = (
        JSON.parse(
          (await runCli(['ledger', 'export-checkpoint', '--db', older, '--json'])).out,
        ) as { note: string }
      ).note;
      const fresh = join(dir.path, 'req-rollback-0');
      writeFileSync(fresh, formatAddCheckpoint({ oldSize: 0, proof: [], note }));
      const conflict = await runCli([
        'witness',
        'cosign',
        '--dir',
        witnessDir,
        '--log-key',
        logKey,
        '--request',
        fresh,
        '--json',
      ]);
      expect(conflict.code).toBe(1);
      expect(JSON.parse(conflict.out)).toEqual({ status: 409, code: 'CONFLICT', body: '501\n' });
      const claimed = join(dir.path, 'req-rollback-501');
      writeFileSync(claimed, formatAddCheckpoint({ oldSize: 501, proof: [], note }));
      const bad = await runCli([
        'witness',
        'cosign',
        '--dir',
        witnessDir,
        '--log-key',
        logKey,
        '--request',
        claimed,
        '--json',
      ]);
      expect(JSON.parse(bad.out)).toMatchObject({ status: 400 });
    });
  });

  describe('when a cosignature is forged', () => {
    it('a cosignature line of the witness with another signature is rejected', async () => {
      const forged = join(dir.path, 'forged.db');
      snapshot(golden, forged);
      const path = `${forged}.keys/cosigned.log`;
      const text = readFileSync(path, 'utf8');
      const line = /— audit\.example\/w1 (\S+)/.exec(text)?.[1] ?? '';
      const bytes = Buffer.from(line, 'base64');
      bytes[20] = (bytes[20] ?? 0) ^ 1; // a bit of the Ed25519 signature
      writeFileSync(path, text.replace(line, bytes.toString('base64')));
      const { code, report } = await verify(
        forged,
        '--witness',
        witnessKey,
        '--min-witnesses',
        '1',
      );
      expect(code).toBe(1);
      expect(report.problems.map((p) => p.code)).toContain('COSIGNATURE_INVALID');
    });

    it("a cosignature by the attacker's own key under the witness's name does not count", async () => {
      const forged = join(dir.path, 'impostor.db');
      snapshot(golden, forged);
      const impostor = parseCosignerKey(generateCosignerKey('audit.example/w1'));
      const note = (
        JSON.parse(
          (await runCli(['ledger', 'export-checkpoint', '--db', forged, '--json'])).out,
        ) as { note: string }
      ).note;
      const text = openNote(note, [logKey]).text;
      writeFileSync(
        `${forged}.keys/cosigned.log`,
        `${note}${impostor.cosign(text, 1_800_000_000n)}\n`,
      );
      const { code, report } = await verify(
        forged,
        '--witness',
        witnessKey,
        '--min-witnesses',
        '1',
      );
      expect(code).toBe(1);
      expect(report.problems.map((p) => p.code)).toEqual(['NOT_WITNESSED']);
    });
  });

  describe('when an entry of the outside log is edited', () => {
    it('is detected by its signature, and named', async () => {
      const edited = join(dir.path, 'edited.log');
      const text = readFileSync(outsideLog, 'utf8');
      const lines = text.split('\n');
      lines[7] = '600'; // the size of the second entry (lines are 0-based here)
      writeFileSync(edited, lines.join('\n'));
      const { code, report } = await verify(golden, '--against', edited);
      expect(code).toBe(1);
      expect(report.problems.map((p) => p.code)).toEqual(['CHECKPOINT_SIGNATURE']);
      expect(report.outside?.firstDisagreeing).toBe(`${edited} line 7`);
    });
  });

  describe('when the outside log cannot be written', () => {
    it('the batch is not acknowledged: CHECKPOINT_NOT_LOGGED and a non-zero exit', async () => {
      const db = join(dir.path, 'unlogged.db');
      const file = join(dir.path, 'd.ndjson');
      writeFileSync(file, [employee('e-9'), event('d-1')].join('\n'));
      const saved = process.env['WARDEN_CHECKPOINT_URL'];
      process.env['WARDEN_CHECKPOINT_URL'] = 'http://127.0.0.1:9/checkpoints'; // nothing listens
      try {
        const r = await runCli(['ingest', file, '--db', db]);
        expect(r.code).toBe(2);
        expect(r.err).toContain('[CHECKPOINT_NOT_LOGGED]');
      } finally {
        if (saved === undefined) delete process.env['WARDEN_CHECKPOINT_URL'];
        else process.env['WARDEN_CHECKPOINT_URL'] = saved;
      }
    });
  });
});

/** A copy of a database as it is now, with its key directory. */
function snapshot(from: string, to: string): void {
  const db = new Database(from);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  copyFileSync(from, to);
  cpSync(`${from}.keys`, `${to}.keys`, { recursive: true });
}

/**
 * Row 1 of the red-team table: change a record, delete every checkpoint, recompute every
 * tile from the changed records with Warden's own TileWriter, and sign a new head with the
 * stolen ledger key (not through Warden, so nothing reaches the outside log).
 */
async function rewriteHistory(path: string, sql: string): Promise<void> {
  const db = new Database(path);
  db.exec(`${sql}; DELETE FROM ledger_checkpoints;`);
  db.close();
  const store = SqliteStore.open(path);
  try {
    const writer = new TileWriter(0, () => undefined);
    let size = 0;
    for await (const { record } of store.ledger.records()) {
      writer.append(recordLeafHash(record));
      size++;
    }
    const skey = readFileSync(`${path}.keys/ledger.key`, 'utf8').trim();
    const origin = skey.split('+')[2] ?? '';
    const rootHash = writer.root();
    const tx = await store.begin();
    await tx.putTiles(writer.takeDirtyTiles());
    await tx.putCheckpoint({
      size,
      rootHash,
      note: signNote(formatCheckpoint({ origin, size, rootHash }), [skey]),
      createdAt: '2026-12-04T00:00:00Z',
    });
    await tx.commit();
  } finally {
    await store.close();
  }
}
