import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeLeafData,
  leafHash,
  openNote,
  parseCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../src/ledger/index.js';
import { employee, event, runCli, tempDir } from './helpers.js';

interface Proof {
  index: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

// An outside party holds only the exported checkpoint, the verifier key and the proofs.
describe('warden ledger', () => {
  const dir = tempDir('warden-ledger-cli-');
  const db = join(dir.path, 'l.db');
  const cpFile = join(dir.path, 'head.checkpoint');
  let verifierKey = '';

  beforeAll(async () => {
    const a = join(dir.path, 'a.ndjson');
    writeFileSync(
      a,
      [employee('e-1'), ...Array.from({ length: 300 }, (_, i) => event(`a-${i}`))].join('\n'),
    );
    expect((await runCli(['ingest', a, '--db', db])).code).toBe(0);
    const b = join(dir.path, 'b.ndjson');
    writeFileSync(b, Array.from({ length: 77 }, (_, i) => event(`b-${i}`)).join('\n'));
    expect((await runCli(['ingest', b, '--db', db])).code).toBe(0);
    const exported = await runCli([
      'ledger',
      'export-checkpoint',
      '--db',
      db,
      '--out',
      cpFile,
      '--json',
    ]);
    verifierKey = (JSON.parse(exported.out) as { verifierKey: string }).verifierKey;
  });
  afterAll(() => dir.cleanup());

  describe('export-checkpoint', () => {
    it('hands out a C2SP checkpoint that verifies with the verifier key alone', () => {
      const note = readFileSync(cpFile, 'utf8');
      const cp = parseCheckpoint(openNote(note, [verifierKey]).text);
      expect(cp.size).toBe(378n);
      expect(cp.origin).toMatch(/^warden\.local\/log\//);
    });
  });

  describe('prove', () => {
    it('gives an inclusion proof that an outsider checks from the record line and the checkpoint', async () => {
      const r = await runCli([
        'ledger',
        'prove',
        '--record',
        'a-17',
        '--checkpoint',
        cpFile,
        '--db',
        db,
        '--json',
      ]);
      expect(r.code).toBe(0);
      const p = JSON.parse(r.out) as Proof;
      const cp = parseCheckpoint(openNote(readFileSync(cpFile, 'utf8'), [verifierKey]).text);
      const line = JSON.parse(event('a-17')) as Record<string, unknown>;
      const { v: _v, kind: _k, ...body } = line;
      const leaf = leafHash(encodeLeafData({ kind: 'event', body } as never));
      expect(leaf.toString('base64')).toBe(p.leafHash);
      expect(() =>
        verifyInclusion(p.index, Number(cp.size), leaf, p.proof.map(b64), cp.rootHash),
      ).not.toThrow();
      const other = leafHash(
        encodeLeafData({ kind: 'event', body: { ...body, actor: 'e-2' } } as never),
      );
      expect(() =>
        verifyInclusion(p.index, Number(cp.size), other, p.proof.map(b64), cp.rootHash),
      ).toThrow();
    });
    it('proves by index, and refuses an unknown record or index with exit 2', async () => {
      const r = await runCli(['ledger', 'prove', '--index', '0', '--db', db, '--json']);
      expect((JSON.parse(r.out) as Proof).treeSize).toBe(378);
      expect((await runCli(['ledger', 'prove', '--record', 'nope', '--db', db])).code).toBe(2);
      expect((await runCli(['ledger', 'prove', '--index', '378', '--db', db])).code).not.toBe(0);
      expect((await runCli(['ledger', 'prove', '--index', 'x', '--db', db])).code).toBe(2);
      expect((await runCli(['ledger', 'prove', '--db', db])).code).toBe(2);
    });
    it('finds directory records as kind:key', async () => {
      const r = await runCli(['ledger', 'prove', '--record', 'employee:e-1', '--db', db, '--json']);
      expect((JSON.parse(r.out) as Proof).index).toBe(0);
    });
  });

  describe('consistency', () => {
    it('proves that the newer tree extends the older', async () => {
      const r = await runCli(['ledger', 'consistency', '301', '378', '--db', db, '--json']);
      expect(r.code).toBe(0);
      const c = JSON.parse(r.out) as {
        size1: number;
        size2: number;
        root1: string;
        root2: string;
        proof: string[];
      };
      expect(() =>
        verifyConsistency(301, 378, b64(c.root1), b64(c.root2), c.proof.map(b64)),
      ).not.toThrow();
      const cps = await runCli(['ledger', 'verify', '--db', db, '--json']);
      expect((JSON.parse(cps.out) as { ok: boolean }).ok).toBe(true);
    });
    it('refuses sizes beyond the ledger', async () => {
      expect((await runCli(['ledger', 'consistency', '3', '9999', '--db', db])).code).not.toBe(0);
    });
  });

  describe('checkpoint', () => {
    it('signs the current head on demand', async () => {
      const r = await runCli(['ledger', 'checkpoint', '--db', db, '--json']);
      const cp = JSON.parse(r.out) as { size: number; note: string };
      expect(cp.size).toBe(378);
      expect(() => openNote(cp.note, [verifierKey])).not.toThrow();
    });
  });
});
