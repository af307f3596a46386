import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));
const dir = tempDir('warden-incr-');
const sim = join(dir.path, 'sim');
let files: string[] = [];
afterAll(() => dir.cleanup());

beforeAll(async () => {
  const r = await runCli(['simulate', '--preset', 'small', '--seed', '4', '--out', sim]);
  expect(r.code).toBe(0);
  files = readdirSync(join(sim, 'stream'))
    .sort()
    .map((f) => join(sim, 'stream', f));
});

interface Run {
  code: number;
  err: string;
  resumedAt: number;
  ledgerSize: number;
  risk: unknown;
  alerts: unknown;
}

/** `warden detect --json [extra]`, then what `risk` and `alerts` answer. */
async function detect(db: string, extra: string[] = []): Promise<Run> {
  const r = await runCli(['detect', '--db', db, '--json', ...extra]);
  const summary = JSON.parse(r.out) as { resumedAt: number; ledgerSize: number };
  const risk = JSON.parse((await runCli(['risk', '--db', db, '--json'])).out) as unknown;
  const alerts = JSON.parse((await runCli(['alerts', '--db', db, '--json'])).out) as unknown;
  return { code: r.code, err: r.err, ...summary, risk, alerts };
}

const ingest = async (db: string, batch: string[]): Promise<void> => {
  expect((await runCli(['ingest', ...batch, '--db', db])).code).toBe(0);
};

/** A database with the first `n` files ingested and detected, the rest ingested after. */
async function resumable(name: string, n: number): Promise<{ db: string; first: number }> {
  const db = join(dir.path, `${name}.db`);
  await ingest(db, files.slice(0, n));
  const first = await detect(db);
  expect(first.resumedAt).toBe(0);
  await ingest(db, files.slice(n));
  return { db, first: first.ledgerSize };
}

const stateRow = (db: string): { ledger_size: number } | undefined => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT ledger_size FROM detector_state').get() as
      { ledger_size: number } | undefined;
  } finally {
    d.close();
  }
};

/** The ledger size the stored findings were computed at. */
const findingsSize = (db: string): number | undefined => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT ledger_size FROM findings').pluck().get() as number | undefined;
  } finally {
    d.close();
  }
};

const stateRootAt = (db: string): Buffer => {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT root_hash FROM detector_state').get() as { root_hash: Buffer })
      .root_hash;
  } finally {
    d.close();
  }
};

/** The ledger sizes of the directory parts stored (the one named, and any staged beside it). */
const directoryParts = (db: string): number[] => {
  const d = new Database(db, { readonly: true });
  try {
    return d
      .prepare('SELECT ledger_size FROM detector_directory ORDER BY ledger_size')
      .pluck()
      .all() as number[];
  } finally {
    d.close();
  }
};

/** The directory part the saved state names: its slot, size and MAC. */
const namedDirectory = (db: string): unknown => {
  const d = new Database(db, { readonly: true });
  try {
    return d
      .prepare(
        'SELECT d.id, d.ledger_size, d.bytes, hex(d.mac) AS mac FROM detector_directory d JOIN detector_state s ON d.id = s.directory_slot',
      )
      .get();
  } finally {
    d.close();
  }
};

const sql = (db: string, statement: string): void => {
  const d = new Database(db);
  d.prepare(statement).run();
  d.close();
};

describe('incremental detection', () => {
  let full: Run;
  /** `run` found exactly what the full replay found. */
  const findsAsFull = (run: Run): void =>
    expect({ risk: run.risk, alerts: run.alerts }).toEqual({
      risk: full.risk,
      alerts: full.alerts,
    });
  beforeAll(async () => {
    const db = join(dir.path, 'full.db');
    await ingest(db, files);
    full = await detect(db, ['--full']);
    expect(full.resumedAt).toBe(0);
  });

  describe('when the ledger grew since the state was saved', () => {
    it('reads only the new leaves and finds exactly what a full replay finds', async () => {
      for (const n of [1, files.length - 1]) {
        const { db, first } = await resumable(`grown-${n}`, n);
        const resumed = await detect(db);
        expect(resumed.resumedAt).toBe(first);
        expect(resumed.err).toBe('');
        expect(resumed.ledgerSize).toBe(full.ledgerSize);
        findsAsFull(resumed);
        expect(stateRow(db)?.ledger_size).toBe(full.ledgerSize);
      }
    });

    it('brings risk and alerts up to date through the same path, storing the new state', async () => {
      const { db } = await resumable('risk', 3);
      const risk = await runCli(['risk', '--db', db, '--json']);
      expect(JSON.parse(risk.out)).toEqual(full.risk);
      expect(stateRow(db)?.ledger_size).toBe(full.ledgerSize);
    });
  });

  describe('when the saved state cannot be trusted', () => {
    const cases: [string, (db: string) => void, RegExp][] = [
      [
        'the detection code changed',
        (db) => sql(db, "UPDATE detector_state SET version = 'older code'"),
        /the detection code or its configuration changed/,
      ],
      [
        'an org profile appeared beside the database',
        () => writeFileSync(join(dir.path, 'warden.org.json'), '{}'),
        /the detection code or its configuration changed/,
      ],
      [
        'the ledger is another one (a rewritten prefix)',
        (db) => sql(db, 'UPDATE detector_state SET root_hash = zeroblob(32)'),
        /root hash differs/,
      ],
      [
        'the state claims more leaves than the ledger has',
        (db) => sql(db, 'UPDATE detector_state SET ledger_size = ledger_size + 1000000'),
        /covers \d+ leaves but the ledger has/,
      ],
      [
        'a chunk of it is damaged',
        (db) => sql(db, "UPDATE detector_state_chunks SET data = x'00' WHERE seq = 0"),
        /incomplete or damaged/,
      ],
      [
        'its directory part is gone',
        (db) => sql(db, 'DELETE FROM detector_directory_chunks'),
        /incomplete or damaged/,
      ],
      [
        'a byte of it is altered (same length)',
        (db) => sql(db, 'UPDATE detector_state_chunks SET data = zeroblob(length(data))'),
        /MAC does not match/,
      ],
    ];
    it.each(cases)('discards it with a note and replays when %s', async (_name, spoil, note) => {
      const { db } = await resumable(`spoiled-${_name.replace(/\W+/g, '-')}`, 4);
      spoil(db);
      try {
        const run = await detect(db);
        expect(run.err).toMatch(note);
        expect(run.err.trim().split('\n')).toHaveLength(1);
        expect(run.resumedAt).toBe(0);
        findsAsFull(run);
      } finally {
        rmSync(join(dir.path, 'warden.org.json'), { force: true });
      }
    });
  });

  // The attacker can write the database but does not hold the master key: they edit the stored
  // state and recompute the plain SHA-256 that used to protect it.
  describe('when someone who can write the database plants a state', () => {
    /** The ledger's root hash at its end, as anyone can compute it (here: a full detect on a copy). */
    const rootAtEnd = async (db: string): Promise<Buffer> => {
      const copy = `${db}-copy.db`;
      copyFileSync(db, copy);
      cpSync(`${db}.keys`, `${copy}.keys`, { recursive: true });
      expect((await runCli(['detect', '--db', copy, '--full'])).code).toBeLessThan(2);
      return stateRootAt(copy);
    };
    const plain = (b: Buffer): Buffer => createHash('sha256').update(b).digest();
    const chunks = (d: Database.Database, table: string): Buffer =>
      Buffer.concat(d.prepare(`SELECT data FROM ${table} ORDER BY seq`).pluck().all() as Buffer[]);

    it('refuses a header moved past the new leaves (their findings hidden) and replays, saying so', async () => {
      const { db, first } = await resumable('planted-header', 4);
      const fullRoot = await rootAtEnd(db);
      const d = new Database(db);
      d.prepare('UPDATE detector_state SET ledger_size = ?, root_hash = ?, mac = ?').run(
        full.ledgerSize,
        fullRoot,
        plain(chunks(d, 'detector_state_chunks')),
      );
      d.close();
      const run = await detect(db);
      expect(first).toBeLessThan(full.ledgerSize);
      expect(run.err).toMatch(/MAC does not match.*replaying the whole ledger/);
      expect(run.resumedAt).toBe(0);
      findsAsFull(run);
    });

    it('refuses the state of the same ledger saved under another master key', async () => {
      const { db } = await resumable('planted-other-key', 4);
      const other = new Database(join(dir.path, 'full.db'), { readonly: true });
      const d = new Database(db);
      for (const table of [
        'detector_state',
        'detector_state_chunks',
        'detector_directory',
        'detector_directory_chunks',
      ]) {
        d.prepare(`DELETE FROM ${table}`).run();
        const rows = other.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
        for (const row of rows) {
          const cols = Object.keys(row);
          d.prepare(
            `INSERT INTO ${table} (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`,
          ).run(...cols.map((c) => row[c]));
        }
      }
      other.close();
      // its header made to fit this ledger (roots are public: anyone can compute them)
      d.prepare('UPDATE detector_state SET root_hash = ?').run(await rootAtEnd(db));
      d.close();
      expect(stateRow(db)?.ledger_size).toBe(full.ledgerSize);
      const run = await detect(db);
      expect(run.err).toMatch(/MAC does not match/);
      expect(run.resumedAt).toBe(0);
      findsAsFull(run);
    });
  });

  describe('when the directory part is older than the rest', () => {
    it('keeps it across a small append, replays the directory records in between, and equals a full replay', async () => {
      const { db, first } = await resumable('dir-kept', files.length - 1);
      const dirSize = (): number =>
        (
          new Database(db, { readonly: true })
            .prepare(
              'SELECT d.ledger_size FROM detector_directory d JOIN detector_state s ON d.id = s.directory_slot',
            )
            .get() as { ledger_size: number }
        ).ledger_size;
      const before = dirSize();
      expect(before).toBe(first);
      const run = await detect(db);
      expect(run.resumedAt).toBe(first);
      findsAsFull(run);
      // kept when the append is under 5 % of the ledger, else saved again at the new size
      const small = full.ledgerSize - first <= 0.05 * full.ledgerSize;
      expect(dirSize()).toBe(small ? first : full.ledgerSize);
      expect(stateRow(db)?.ledger_size).toBe(full.ledgerSize);
    });
  });

  describe('when detect is killed in the middle of saving the state', () => {
    /**
     * `warden detect` in a child process, SIGKILLed once it is paused at `pause` inside the
     * save; `threads` '1': with the engine on its own thread, whose parts the command's thread
     * stores (the directory part staged in a transaction of its own, then the rest).
     */
    const killMidSave = (
      db: string,
      pause = 'detector-state-save',
      threads = '0',
    ): Promise<string> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'detect', '--db', db], {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, WARDEN_TEST_PAUSE: pause, WARDEN_DETECT_THREADS: threads },
        });
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes(`paused at ${pause}`)) child.kill('SIGKILL');
        });
        child.on('error', reject);
        child.on('exit', (_code, signal) =>
          signal === 'SIGKILL' ? resolve(err) : reject(new Error(`not killed: ${err}`)),
        );
      });

    /** The run after a killed one: no note, resumed from `from`, the full replay's findings. */
    const nextEqualsFull = async (db: string, from: number): Promise<void> => {
      const run = await detect(db);
      expect(run.err).toBe('');
      expect(run.resumedAt).toBe(from);
      findsAsFull(run);
    };

    // on this thread (one transaction), and on the engine's own thread: killed after the
    // directory part is staged in a transaction of its own, or inside the rest's
    for (const [pause, threads] of [
      ['detector-state-save', '0'],
      ['detector-directory-staged', '1'],
      ['detector-state-save', '1'],
    ] as const)
      it(`keeps the state it had (never half of the new one) when killed at ${pause}, threads ${threads}, and the next run equals a full replay`, async () => {
        const { db, first } = await resumable(`killed-${pause}-${threads}`, 4);
        const dirBefore = namedDirectory(db);
        await killMidSave(db, pause, threads);
        expect(stateRow(db)?.ledger_size).toBe(first);
        expect(namedDirectory(db)).toEqual(dirBefore);
        // stored in the state's transaction (the rest's, on the engine's thread): the old ones
        expect(findingsSize(db)).toBe(first);
        // killed between the two transactions: the new part is there, durable, but not named
        if (pause === 'detector-directory-staged')
          expect(directoryParts(db)).toEqual([first, full.ledgerSize]);
        await nextEqualsFull(db, first);
      });

    for (const [pause, threads] of [
      ['detector-state-save', '0'],
      ['detector-directory-staged', '1'],
    ] as const)
      it(`leaves no state at all when the first save is killed at ${pause}, threads ${threads}`, async () => {
        const db = join(dir.path, `killed-first-${threads}.db`);
        await ingest(db, files);
        await killMidSave(db, pause, threads);
        expect(stateRow(db)).toBeUndefined();
        expect(findingsSize(db)).toBeUndefined();
        await nextEqualsFull(db, 0);
      });
  });
});
