import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCosignatures } from './cosigner-keys.js';
import { WitnessError } from './errors.js';
import { openNote } from './signed-note.js';
import { WitnessDir } from './witness-dir.js';
import { witnessHandler } from './witness-http.js';
import { formatAddCheckpoint, parseAddCheckpoint } from './witness-request.js';
import { syntheticLog } from './witness-test-support.js';

const root = mkdtempSync(join(tmpdir(), 'warden-witness-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const log = syntheticLog(50);
const request = (old: number, size: number): string =>
  formatAddCheckpoint({
    oldSize: old,
    proof: old === 0 ? [] : log.proof(old, size),
    note: log.note(size),
  });

describe('WitnessDir', () => {
  const dir = join(root, 'w');
  const witness = WitnessDir.init(dir, 'w.example/1');

  it('keeps its key 0600 and refuses to be initialised twice', () => {
    expect(statSync(join(dir, 'witness.key')).mode & 0o777).toBe(0o600);
    expect(() => WitnessDir.init(dir, 'w.example/1')).toThrow(WitnessError);
    expect(WitnessDir.open(dir).cosigner.verifierKey).toBe(witness.cosigner.verifierKey);
  });

  it('persists what it cosigned, with no temporary file left, and reads it back', async () => {
    await witness.cosign(parseAddCheckpoint(request(0, 10)), [log.vkey]);
    const files = readdirSync(join(dir, 'logs'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    const held = WitnessDir.open(dir).read(log.name);
    expect(held?.size).toBe(10);
    expect(held?.rootHash.equals(log.roots[10] as Buffer)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['logs', 'witness.key']); // no lock, no temp file
  });

  it('decides racing requests one at a time: the second from the same old size is a conflict', async () => {
    const results = await Promise.allSettled([
      witness.cosign(parseAddCheckpoint(request(10, 20)), [log.vkey]),
      WitnessDir.open(dir).cosign(parseAddCheckpoint(request(10, 30)), [log.vkey]),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as WitnessError).code).toBe('CONFLICT');
    expect([20, 30]).toContain(witness.read(log.name)?.size);
  });

  it('refuses to decide from a state file it cannot read, rather than start over', async () => {
    const torn = join(root, 'torn');
    const w = WitnessDir.init(torn, 'w.example/2');
    await w.cosign(parseAddCheckpoint(request(0, 3)), [log.vkey]);
    const file = join(torn, 'logs', readdirSync(join(torn, 'logs'))[0] ?? '');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40)); // a torn write
    await expect(w.cosign(parseAddCheckpoint(request(0, 5)), [log.vkey])).rejects.toThrow(
      /is not a witness state file/,
    );
  });
});

describe('witnessHandler (C2SP tlog-witness over HTTP)', () => {
  let server: Server;
  let base = '';
  const witness = WitnessDir.init(join(root, 'http'), 'w.example/http');
  const post = (body: string, path = '/add-checkpoint') =>
    fetch(`${base}${path}`, { method: 'POST', body });

  beforeAll(async () => {
    server = createServer(witnessHandler(witness, [log.vkey]));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => server.close());

  it('answers 200 with a cosignature line that verifies', async () => {
    const res = await post(request(0, 12));
    expect(res.status).toBe(200);
    const line = await res.text();
    const { text, unverified } = openNote(log.note(12) + line, [log.vkey]);
    expect(countCosignatures(text, unverified, [witness.cosigner.verifierKey])).toBe(1);
  });

  it('answers 409 with its latest size as text/x.tlog.size', async () => {
    const res = await post(request(0, 20));
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await res.text()).toBe('12\n');
    expect((await post(request(12, 20))).status).toBe(200);
  });

  it('answers 400, 404 and 405 as the spec and HTTP say', async () => {
    expect((await post('old 01\n\nx')).status).toBe(400);
    const stranger = syntheticLog(4, 'other.example/log');
    expect(
      (await post(formatAddCheckpoint({ oldSize: 0, proof: [], note: stranger.note(4) }))).status,
    ).toBe(404);
    expect((await post(request(0, 12), '/elsewhere')).status).toBe(404);
    expect((await fetch(`${base}/add-checkpoint`)).status).toBe(405);
  });
});
