import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPostgresStore } from '../src/store/index.js';
import { pgTestSchemas, withSchema } from '../src/store/postgres-test-support.js';
import { employee, event, runCli, runCliWith, tempDir, type CliResult } from './helpers.js';
import {
  deleteConsumer,
  deleteStream,
  makeStream,
  natsTestStream,
  streamMessages,
} from './nats-support.js';

/**
 * The simulated stream published to JetStream (two partitions), consumed by two workers, one
 * of them SIGKILLed mid-stream and restarted: the merged detection equals a single-process run
 * of the same files, no event is stored twice, and every partition ledger verifies.
 */
const BIN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));
const nats = await natsTestStream();
const schemas = await pgTestSchemas();
const dir = tempDir('warden-nats-');
const keyDir = join(dir.path, 'keys');
const single = ['--db', join(dir.path, 'single.db')];

const parse = (r: CliResult): unknown => {
  expect(r.err).toBe('');
  return JSON.parse(r.out) as unknown;
};

/** A worker in its own process; resolves with its output when it exits. */
function worker(args: string[]): {
  child: ChildProcess;
  out: () => string;
  done: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, 'worker', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WARDEN_KEY_DIR: keyDir },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, done };
}

async function until(test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

if ('skip' in nats || 'skip' in schemas) {
  describe.skip(`warden workers on NATS and PostgreSQL (${'skip' in nats ? nats.skip : ''} ${'skip' in schemas ? schemas.skip : ''})`, () => {
    it('needs both servers', () => undefined);
  });
} else {
  const pgUrl = schemas.url();
  const natsFlags = ['--nats', nats.url, '--stream', nats.stream];
  const onPartition = (p: number, args: string[]): Promise<CliResult> =>
    runCliWith({ WARDEN_KEY_DIR: join(keyDir, `partition-${p}`) }, [
      ...args,
      '--pg',
      withSchema(pgUrl, `${new URL(pgUrl).searchParams.get('schema')}_p${p}`),
    ]);
  let files: string[] = [];
  let killedAfter = '';
  let restarted = '';

  beforeAll(async () => {
    const sim = join(dir.path, 'sim');
    expect(
      (await runCli(['simulate', '--preset', 'small', '--seed', '7', '--out', sim])).code,
    ).toBe(0);
    files = readdirSync(join(sim, 'stream'))
      .sort()
      .map((f) => join(sim, 'stream', f));
    expect((await runCli(['ingest', ...files, ...single])).code).toBe(0);
    const published = await runCli([
      'ingest',
      '--publish',
      ...files,
      ...natsFlags,
      '--partition-count',
      '2',
      '--json',
    ]);
    expect(published.code, published.err).toBe(0);
    const a = worker(['--partitions', '0', '--pg', pgUrl, ...natsFlags, '--batch', '300']);
    const b = worker([
      '--partitions',
      '1',
      '--pg',
      pgUrl,
      ...natsFlags,
      '--batch',
      '300',
      '--drain',
    ]);
    // killed while it works: after its third committed batch, before the stream is through
    await until(() => (a.out().match(/through message/g) ?? []).length >= 3, 120_000);
    a.child.kill('SIGKILL');
    await a.done;
    killedAfter = a.out();
    const again = worker([
      '--partitions',
      '0',
      '--pg',
      pgUrl,
      ...natsFlags,
      '--batch',
      '300',
      '--drain',
    ]);
    expect(await again.done, again.out()).toBe(0);
    restarted = again.out();
    expect(await b.done, b.out()).toBe(0);
  }, 400_000);

  afterAll(async () => {
    await deleteStream(nats.stream);
    await schemas.dropAll();
    dir.cleanup();
  });

  describe('warden worker', () => {
    it('was killed mid-stream, before the partition was through', () => {
      expect(killedAfter).not.toMatch(/batch\(es\)/); // it never reached its summary
      // the restarted worker found the partition's work unfinished and landed the rest
      const landed = /partition 0: (\d+) batch\(es\), (\d+) leaves/.exec(restarted);
      expect(Number(landed?.[1])).toBeGreaterThan(0);
      expect(Number(landed?.[2])).toBeGreaterThan(0);
    });

    it('gives, merged, the risk and alerts of a single-process run of the same stream', async () => {
      const merged = parse(
        await runCliWith({ WARDEN_KEY_DIR: keyDir }, [
          'merge',
          '--partitions',
          '0,1',
          '--pg',
          pgUrl,
          '--json',
        ]),
      ) as {
        events: number;
        risk: unknown[];
        alerts: unknown[];
      };
      const risk = parse(await runCli(['risk', ...single, '--json'])) as unknown[];
      const alerts = parse(await runCli(['alerts', ...single, '--json'])) as unknown[];
      const detected = parse(await runCli(['detect', ...single, '--json'])) as { events: number };
      expect(risk.length).toBeGreaterThan(0);
      expect(alerts.length).toBeGreaterThan(0);
      expect(merged.risk).toEqual(risk);
      expect(merged.alerts).toEqual(alerts);
      expect(merged.events).toBe(detected.events);
    });

    it('stores every event once, in its actor’s partition, and every directory record once', async () => {
      const count = async (args: string[], run: (a: string[]) => Promise<CliResult>) =>
        (parse(await run(['stats', ...args, '--json'])) as { counts: Record<string, number> })
          .counts;
      const whole = await count(single, runCli);
      const p0 = await count([], (a) => onPartition(0, a));
      const p1 = await count([], (a) => onPartition(1, a));
      // every kind, reviewers too (detection never reads them, so only a count sees one lost);
      // the directory is spread over the partitions, not copied into each
      expect(Object.keys(whole)).toContain('reviewer');
      for (const kind of Object.keys(whole)) {
        expect((p0[kind] ?? 0) + (p1[kind] ?? 0), kind).toBe(whole[kind]);
        expect(p0[kind], kind).toBeGreaterThan(0);
        expect(p1[kind], kind).toBeGreaterThan(0);
      }
    });

    it('keeps a ledger per partition that verifies', async () => {
      for (const p of [0, 1]) {
        const r = await onPartition(p, ['ledger', 'verify']);
        expect(r.code, `partition ${p}: ${r.out}${r.err}`).toBe(0);
      }
    });
  });

  describe('the top-level log', () => {
    it('verifies, and holds checkpoints of each partition that its ledger is consistent with', async () => {
      const top = await runCliWith({ WARDEN_KEY_DIR: keyDir }, ['ledger', 'verify', '--pg', pgUrl]);
      expect(top.code, top.out + top.err).toBe(0);
      const notes = new Map<number, string[]>([
        [0, []],
        [1, []],
      ]);
      const store = await (await loadPostgresStore()).open(pgUrl, { readonly: true });
      try {
        for await (const { record } of store.ledger.records()) {
          if (record.kind !== 'event' || record.body.action !== 'x-partition.checkpoint') continue;
          const attrs = record.body.attrs as { partition: number; note: string };
          notes.get(attrs.partition)!.push(attrs.note);
        }
      } finally {
        await store.close();
      }
      for (const [p, list] of notes) {
        expect(list.length, `partition ${p}`).toBeGreaterThan(1);
        const file = join(dir.path, `top-p${p}.log`);
        writeFileSync(file, list.map((n) => `${n}\n`).join(''));
        const held = await onPartition(p, ['ledger', 'verify', '--against', file]);
        expect(held.code, `partition ${p}: ${held.out}${held.err}`).toBe(0);
      }
    });
  });

  describe('when a partition is delivered again from its first message', () => {
    it('skips every message and stores nothing twice', async () => {
      const stats = async () =>
        (parse(await onPartition(1, ['stats', '--json'])) as { ledgerSize: number }).ledgerSize;
      const before = await stats();
      await deleteConsumer(nats.stream, `${nats.stream}_p1`); // a new consumer starts at message 1
      const again = worker(['--partitions', '1', '--pg', pgUrl, ...natsFlags, '--drain']);
      expect(await again.done, again.out()).toBe(0);
      const summary = /partition 1: (\d+) batch\(es\), (\d+) leaves, (\d+) redelivered/.exec(
        again.out(),
      );
      expect(summary?.slice(1).map(Number)).toEqual([0, 0, expect.any(Number)]);
      expect(Number(summary?.[3])).toBeGreaterThan(1000);
      expect(await stats()).toBe(before);
    });
  });

  describe('warden ingest --publish', () => {
    it('refuses a file with an invalid line before publishing anything', async () => {
      const bad = join(dir.path, 'bad.ndjson');
      writeFileSync(
        bad,
        `${employee('e-1')}\n${event('ev-1', { actor: 'e-1' })}\n{"v":1,"kind":"event"}\n`,
      );
      const stream = `${nats.stream}_bad`;
      const r = await runCli(['ingest', '--publish', bad, '--nats', nats.url, '--stream', stream]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('bad.ndjson');
      expect(await streamMessages(stream)).toBeUndefined();
      await deleteStream(stream);
    });

    it('refuses another partition count for a stream that exists, sending nothing', async () => {
      const before = await streamMessages(nats.stream);
      const r = await runCli([
        'ingest',
        '--publish',
        files[0]!,
        ...natsFlags,
        '--partition-count',
        '3',
      ]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('LAYOUT_MISMATCH');
      expect(await streamMessages(nats.stream)).toBe(before);
    });

    it('refuses a stream that copies the directory into every partition (the earlier layout)', async () => {
      const stream = `${nats.stream}_old`;
      await makeStream(stream, 'warden event stream; partitions=2');
      const r = await runCli([
        'ingest',
        '--publish',
        files[0]!,
        '--nats',
        nats.url,
        '--stream',
        stream,
      ]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('LAYOUT_MISMATCH');
      expect(await streamMessages(stream)).toBe(0);
      await deleteStream(stream);
    });
  });
}
