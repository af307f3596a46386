import { stripVTControlCharacters } from 'node:util';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpointLog } from '../src/ledger/index.js';
import { employee, event, line, runCli, tempDir } from './helpers.js';

const PAST = '2026-01-01T00:00:00Z';

// Every way a checkpoint is made also appends it outside the database; the witness commands
// in their other forms (checkpoint and proof files, stdin).
describe('the checkpoint log outside the database', () => {
  const dir = tempDir('warden-cplog-');
  const db = join(dir.path, 'w.db');
  const outsideDir = join(dir.path, 'outside');
  const logPath = `${db}.keys/checkpoints.log`;
  const sizes = (): number[] =>
    parseCheckpointLog(readFileSync(logPath, 'utf8'), logPath).map((e) =>
      Number(e.note.split('\n')[1]),
    );
  let saved: string | undefined;
  let token = '';

  beforeAll(async () => {
    saved = process.env['WARDEN_CHECKPOINT_DIR'];
    process.env['WARDEN_CHECKPOINT_DIR'] = outsideDir;
    const file = join(dir.path, 'a.ndjson');
    writeFileSync(
      file,
      [
        employee('a1'),
        line({ v: 1, kind: 'seller', id: 's1', category: 'toys', region: 'EU' }),
        line({ v: 1, kind: 'reviewer', id: 'rv1', email: 'x@example.org', name: 'X' }),
        line({
          v: 1,
          kind: 'ticket',
          id: 't1',
          sellerId: 's1',
          openedAt: PAST,
          assigneeId: 'a1',
          openedBy: 'seller',
        }),
        event('e-1', { actor: 'a1' }),
      ].join('\n'),
    );
    expect((await runCli(['ingest', file, '--db', db])).code).toBe(0);
  });

  const guardedRequest = (): Promise<{ code: number; out: string }> =>
    runCli([
      'request',
      'reviewer.contact.view',
      'rv1',
      '--token',
      token,
      '--ticket',
      't1',
      '--db',
      db,
    ]);
  afterAll(() => {
    if (saved === undefined) delete process.env['WARDEN_CHECKPOINT_DIR'];
    else process.env['WARDEN_CHECKPOINT_DIR'] = saved;
    dir.cleanup();
  });

  it('gets the checkpoint of an import, of `ledger checkpoint` and of a guarded request', async () => {
    expect(sizes()).toEqual([5]);
    expect((await runCli(['ledger', 'checkpoint', '--db', db])).code).toBe(0);
    // issuing a token is a guard transaction (a leaf and its checkpoint)
    const issued = await runCli(['token', 'create', 'a1', '--json', '--db', db]);
    expect(issued.code).toBe(0);
    token = (JSON.parse(issued.out) as { token: string }).token;
    expect(sizes()).toEqual([5, 5, 6]);
    // a denied request is recorded too: the shipped policy set installed on first use, then
    // the request, each a guard transaction with its checkpoint
    const r = await guardedRequest();
    // colours taken out: CI turns them on
    expect([r.code, stripVTControlCharacters(r.out)]).toEqual([
      1,
      expect.stringMatching(/^denied/),
    ]);
    expect(sizes()).toEqual([5, 5, 6, 7, 8]);
    expect(readdirSync(outsideDir).filter((f) => f.endsWith('.note'))).toHaveLength(4); // sizes 5 to 8
  });

  it('verify --against takes the log file and the directory', async () => {
    for (const against of [logPath, outsideDir]) {
      const r = await runCli(['ledger', 'verify', '--db', db, '--against', against, '--json']);
      expect(r.code).toBe(0);
      expect(
        (JSON.parse(r.out) as { outside: { checked: number } }).outside.checked,
      ).toBeGreaterThan(1);
    }
  });

  it('refuses a --witness that is not a witness key, and --min-witnesses above the keys given', async () => {
    const logKey = (
      JSON.parse((await runCli(['ledger', 'export-checkpoint', '--db', db, '--json'])).out) as {
        verifierKey: string;
      }
    ).verifierKey;
    const bad = await runCli(['ledger', 'verify', '--db', db, '--witness', logKey]); // a log key (0x01)
    expect([bad.code, bad.err]).toEqual([
      2,
      expect.stringContaining('is not a witness verifier key'),
    ]);
    const many = await runCli(['ledger', 'verify', '--db', db, '--min-witnesses', '1']);
    expect(many.code).toBe(2);
  });

  it('a witness cosigns from a checkpoint and proof file, and from a request on stdin', async () => {
    const witness = join(dir.path, 'witness');
    expect(
      (await runCli(['witness', 'init', '--dir', witness, '--name', 'w.example/1'])).code,
    ).toBe(0);
    expect(
      (await runCli(['witness', 'init', '--dir', witness, '--name', 'w.example/1'])).code,
    ).toBe(2);
    const exported = JSON.parse(
      (await runCli(['ledger', 'export-checkpoint', '--db', db, '--json'])).out,
    ) as { note: string; verifierKey: string };
    const cpFile = join(dir.path, 'head.note');
    writeFileSync(cpFile, exported.note);
    // first sight: the checkpoint alone (old size 0)
    const first = await runCli([
      'witness',
      'cosign',
      '--dir',
      witness,
      '--log-key',
      exported.verifierKey,
      '--checkpoint',
      cpFile,
    ]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^— w\.example\/1 \S+\n$/);
    // the log grows (a denied request is a leaf); the proof comes from `ledger consistency --json`
    expect((await guardedRequest()).code).toBe(1);
    const next = JSON.parse(
      (await runCli(['ledger', 'export-checkpoint', '--db', db, '--json'])).out,
    ) as { note: string };
    writeFileSync(cpFile, next.note);
    const proofFile = join(dir.path, 'proof.json');
    writeFileSync(
      proofFile,
      (await runCli(['ledger', 'consistency', '8', '9', '--db', db, '--json'])).out,
    );
    const second = await runCli([
      'witness',
      'cosign',
      '--dir',
      witness,
      '--log-key',
      exported.verifierKey,
      '--checkpoint',
      cpFile,
      '--proof',
      proofFile,
    ]);
    expect(second.code).toBe(0);
    // the same head again, as a request on stdin
    const request = (await runCli(['ledger', 'witness-request', '--db', db, '--old', '9'])).out;
    const third = await runCli(
      ['witness', 'cosign', '--dir', witness, '--log-key', exported.verifierKey, '--request', '-'],
      request,
    );
    expect(third.code).toBe(0);
    const state = readdirSync(join(witness, 'logs'));
    expect(state).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(witness, 'logs', state[0] ?? ''), 'utf8'))).toMatchObject({
      size: 9,
    });
  });
});
