import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryCheckpointSink, FileCheckpointSink } from './checkpoint-file-sink.js';
import { HttpCheckpointSink } from './checkpoint-http-sink.js';
import { parseCheckpointLog } from './checkpoint-log.js';
import { publishCheckpoint } from './checkpoint-sink.js';
import { CheckpointLogError } from './errors.js';
import { syntheticLog } from './witness-test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-sinks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = syntheticLog(9);

describe('FileCheckpointSink', () => {
  it('creates the log 0600 and appends each note so the log reads back', async () => {
    const path = join(dir, 'keys', 'checkpoints.log');
    const sink = new FileCheckpointSink(path);
    for (const n of [3, 5, 9]) await sink.append(log.note(n));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const entries = parseCheckpointLog(readFileSync(path, 'utf8'), path);
    expect(entries.map((e) => e.note)).toEqual([log.note(3), log.note(5), log.note(9)]);
  });

  it('appends notes in the order of the calls when they are not awaited one by one', async () => {
    const path = join(dir, 'keys', 'together.log');
    const sink = new FileCheckpointSink(path);
    const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    await Promise.all(sizes.map((n) => sink.append(log.note(n))));
    const entries = parseCheckpointLog(readFileSync(path, 'utf8'), path);
    expect(entries.map((e) => e.note)).toEqual(sizes.map((n) => log.note(n)));
  });
});

describe('DirectoryCheckpointSink', () => {
  const out = join(dir, 'outside');
  const sink = new DirectoryCheckpointSink(out);

  it('writes one file per checkpoint, the same note twice once', async () => {
    await sink.append(log.note(3));
    await sink.append(log.note(7));
    await sink.append(log.note(7));
    const files = readdirSync(out);
    expect(files).toHaveLength(2);
    expect(files.every((f) => /^[0-9a-f]{16}-\d{20}\.note$/.test(f))).toBe(true);
  });

  it('refuses a second, different checkpoint of the same size (a fork)', async () => {
    const fork = syntheticLog(9, log.name, log.skey, 500);
    await expect(sink.append(fork.note(7))).rejects.toThrow(/fork/);
    expect(readdirSync(out)).toHaveLength(2); // no temporary file left either
  });
});

describe('HttpCheckpointSink', () => {
  let server: Server;
  let url = '';
  const received: string[] = [];
  let answer = 201;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (answer < 300) received.push(`${req.method ?? ''} ${body}`);
        res.statusCode = answer;
        res.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/checkpoints`;
  });
  afterAll(() => server.close());

  it('POSTs the note and resolves on a 2xx', async () => {
    await new HttpCheckpointSink(url).append(log.note(4));
    expect(received).toEqual([`POST ${log.note(4)}`]);
  });

  it('rejects on an error status, and publishCheckpoint names it while the file still gets the note', async () => {
    answer = 503;
    const file = join(dir, 'both.log');
    const error = await publishCheckpoint(
      [new FileCheckpointSink(file), new HttpCheckpointSink(url)],
      log.note(6),
      6,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointLogError);
    expect((error as CheckpointLogError).code).toBe('CHECKPOINT_NOT_LOGGED');
    expect((error as Error).message).toContain(url);
    expect(readFileSync(file, 'utf8')).toBe(`${log.note(6)}\n`);
  });

  it('rejects when nothing listens', async () => {
    server.close();
    await once(server, 'close');
    await expect(new HttpCheckpointSink(url, 2000).append(log.note(4))).rejects.toThrow();
  });
});
