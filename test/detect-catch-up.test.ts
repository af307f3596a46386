import { writeFileSync } from 'node:fs';
import { fileSource, importSource } from '../src/ingest/index.js';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCase } from '../src/cases/index.js';
import { caseDeps } from '../src/cli/commands/case-deps.js';
import { runDetection } from '../src/cli/commands/detect.js';
import {
  DetectionCatchUp,
  type CatchUpOptions,
  type WriteQueue,
} from '../src/cli/detect-catch-up.js';
import { wire, type Wired } from '../src/cli/wiring.js';
import { Serial } from '../src/server/index.js';
import { directoryLines } from './api/fixture.js';
import { event, runCli, tempDir } from './helpers.js';

const EVENTS = 400;
const SLICE = 50;

/** Views by two agents across the day: enough leaves for several slices. */
function events(n = EVENTS, prefix = 'cu', day = '2026-03-02'): string[] {
  return Array.from({ length: n }, (_, i) =>
    event(`${prefix}-${i}`, {
      actor: i % 3 === 0 ? 'm1' : 'a1',
      time: new Date(Date.parse(`${day}T08:00:00Z`) + i * 47_000).toISOString(),
      action: i % 5 === 0 ? 'seller.account.view' : 'seller.metrics.view',
      target: { type: 'seller', id: 's1' },
    }),
  );
}

let dir: { path: string; cleanup(): void };
let w: Wired;
let made: DetectionCatchUp[] = [];

/** A catch-up over `w`, closed (its pending save done) before the database is. */
function catchUpOf(queue?: WriteQueue, options: CatchUpOptions = {}): DetectionCatchUp {
  const c = new DetectionCatchUp(w, undefined, queue, { slice: SLICE, ...options });
  made.push(c);
  return c;
}
beforeEach(async () => {
  dir = tempDir('warden-catch-up-');
  const file = join(dir.path, 'in.ndjson');
  writeFileSync(file, `${[...directoryLines(), ...events()].join('\n')}\n`);
  const db = join(dir.path, 'warden.db');
  expect((await runCli(['ingest', file, '--db', db])).code).toBe(0);
  w = await wire(db);
}, 60_000);
afterEach(async () => {
  for (const c of made) await c.close();
  made = [];
  await w.close();
  dir.cleanup();
});

/**
 * The write queue, with a write slipped in behind the second piece of work queued on it (the
 * first is the start, which resumes the engine; the second feeds it the first slice).
 */
function queueWithWrite(serial: Serial, write: () => Promise<void>): WriteQueue {
  let queuedSoFar = 0;
  return (work) => {
    const queued = serial.run(work);
    if (++queuedSoFar === 2) void serial.run(write);
    return queued;
  };
}

describe('DetectionCatchUp', () => {
  describe('when a write is queued while detection catches up', () => {
    it('runs the write between slices, before the findings are stored', async () => {
      const serial = new Serial();
      const order: string[] = [];
      let storedWhenWritten: number | undefined = -1;
      const queue = queueWithWrite(serial, async () => {
        storedWhenWritten = (await w.store.findings.latest())?.ledgerSize;
        await openCase(caseDeps(w), 'inv1', 'written meanwhile');
        order.push('write');
      });
      const detected = await catchUpOf(queue).detection();
      order.push('detected');

      expect(order).toEqual(['write', 'detected']);
      // nothing was stored yet: the write did not wait for the replay
      expect(storedWhenWritten).toBeUndefined();
      // and the catch-up went on to the leaves the write appended
      expect(detected.stored.ledgerSize).toBe(w.ledger.size);
      expect(detected.resumedAt).toBe(0);
    });

    it('finds what one uninterrupted run would', async () => {
      const sliced = await catchUpOf().detection();
      const whole = await runDetection(w, undefined, { full: true });
      expect(sliced.stored.ledgerSize).toBe(whole.stored.ledgerSize);
      expect(sliced.stored.events).toBe(whole.stored.events);
      expect(sliced.stored.findings).toEqual(whole.stored.findings);
      expect(sliced.stored.findings.risk.length).toBeGreaterThan(0);
    });
  });

  describe('when callers arrive while it catches up', () => {
    it('shares one run, and feeds the same engine only the new leaves once the ledger grows', async () => {
      const catchUp = catchUpOf();
      const [a, b] = await Promise.all([catchUp.detection(), catchUp.detection()]);
      expect(a).toBe(b);
      expect(await catchUp.detection()).toBe(a);
      const before = w.ledger.size;
      await openCase(caseDeps(w), 'inv1', 'one more leaf');
      const next = await catchUp.detection();
      expect(next.resumedAt).toBe(before);
      expect(next.stored.ledgerSize).toBe(w.ledger.size);
    });
  });
});

/** A batch imported on the writing connection, as `POST /v1/ingest` imports it. */
async function write(lines: string[]): Promise<void> {
  const file = join(dir.path, `batch-${w.ledger.size}.ndjson`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  await importSource(w.store, w.ledger, w.vault, fileSource(file), {
    now: w.now,
    emailHashes: w.emailHashes,
  });
}

/** What a fresh process finds: the whole ledger replayed (and the state it saves dropped). */
async function replayed(): Promise<unknown> {
  const whole = await runDetection(w, undefined, { full: true });
  await w.store.detectorState.clear();
  return whole.stored.findings;
}

describe('DetectionCatchUp, warm', () => {
  describe('when writes and findings reads alternate', () => {
    it('feeds its one engine only the new leaves, and finds what a replay finds each time', async () => {
      const catchUp = catchUpOf();
      const first = await catchUp.detection();
      expect(first.resumedAt).toBe(0);
      expect(first.stored.findings).toEqual(await replayed()); // the saved state is gone now
      const rounds = [
        events(150, 'w2', '2026-03-03'),
        // a negative review removed without a report: a new indicator
        [
          event('w3-removal', {
            actor: 'a1',
            action: 'review.delete',
            target: { type: 'review', id: 'r1' },
            time: '2026-03-04T09:00:00Z',
          }),
        ],
        events(120, 'w4', '2026-03-05'),
      ];
      let before = first.stored.findings;
      for (const batch of rounds) {
        const size = w.ledger.size;
        await write(batch);
        const next = await catchUp.detection();
        // from where the engine stood: restoring a state (there is none) would replay from 0
        expect(next.resumedAt).toBe(size);
        expect(next.stored.ledgerSize).toBe(w.ledger.size);
        expect(next.stored.findings).toEqual(await replayed());
        expect(await catchUp.findings()).toBe(next.stored);
        expect(next.stored.findings).not.toEqual(before); // each write moved the findings
        before = next.stored.findings;
      }
    });

    it('leaves findings it handed out as they were while it feeds the engine on', async () => {
      const catchUp = catchUpOf();
      const handed = await catchUp.findings();
      const copy = structuredClone(handed);
      const [sellers, rings] = await Promise.all([
        catchUp.derived('sellers', (e) => e.sellers()),
        catchUp.derived('rings', (e) => e.rings()),
      ]);
      const copies = structuredClone([sellers, rings]);
      await write(events(300, 'more', '2026-03-03'));
      expect((await catchUp.findings()).ledgerSize).toBe(w.ledger.size);
      expect(handed).toEqual(copy);
      expect([sellers, rings]).toEqual(copies);
    });
  });

  describe('when a reader’s turn comes after a newer catch-up began feeding the engine', () => {
    it('waits for that catch-up to end, and reads the engine at its end', async () => {
      const serial = new Serial();
      let calls = 0;
      let held: (() => void) | undefined;
      let arm = false;
      // The reader's second queued turn (its read; the first found detection current) is
      // held back until a catch-up after a write has queued its second slice, and so runs
      // after its first: the engine then stands part-way through the new leaves.
      const queue: WriteQueue = (work) => {
        if (!arm) return serial.run(work);
        calls++;
        if (calls === 2) {
          void serial.run(() => write(events(300, 'late', '2026-03-03')));
          void catchUp.detection();
          return new Promise((resolve, reject) => {
            held = () => void serial.run(work).then(resolve, reject);
          });
        }
        const queued = serial.run(work);
        if (calls === 5) held?.(); // 3: the catch-up's start, 4: its first slice, 5: its second
        return queued;
      };
      const catchUp = catchUpOf(queue);
      const before = await catchUp.detection();
      arm = true;
      const seen = await catchUp.read((d) => ({
        fed: d.engine.events,
        found: d.stored.events,
        ledgerSize: d.stored.ledgerSize,
      }));
      expect(seen.fed).toBe(seen.found);
      expect(seen.ledgerSize).toBe(w.ledger.size);
      expect(seen.found).toBe(before.stored.events + 300);
    });
  });

  describe('when what the engine was built for changes', () => {
    it('rebuilds it for a new org profile, as a replay with that profile finds', async () => {
      const catchUp = catchUpOf();
      await catchUp.detection();
      writeFileSync(join(dir.path, 'warden.org.json'), '{}\n');
      await write(events(20, 'org', '2026-03-03'));
      const next = await catchUp.detection();
      expect(next.resumedAt).toBe(0);
      expect(next.stored.findings).toEqual(await replayed());
    });
  });

  describe('when it saves', () => {
    it('saves the state and findings after answering, and a new process resumes from them', async () => {
      const catchUp = catchUpOf(undefined, { saveAfterMs: 60_000 });
      await catchUp.detection();
      await catchUp.close(); // the start's save
      const saved = w.ledger.size;
      await write(events(100, 'unsaved', '2026-03-03'));
      const answered = await catchUp.detection();
      // answered before anything was saved: the state and findings stored are the older ones
      expect((await w.store.detectorState.describe())?.ledgerSize).toBe(saved);
      expect((await w.store.findings.latest())?.ledgerSize).toBe(saved);
      // a kill -9 now loses no write: a new process resumes the older state, feeds the rest
      const after = catchUpOf();
      const restarted = await after.detection();
      expect(restarted.resumedAt).toBe(saved);
      expect(restarted.stored.findings).toEqual(answered.stored.findings);
      await catchUp.close();
      expect((await w.store.detectorState.describe())?.ledgerSize).toBe(w.ledger.size);
      expect((await w.store.findings.latest())?.ledgerSize).toBe(w.ledger.size);
      const resumed = await catchUpOf().detection();
      expect(resumed.resumedAt).toBe(w.ledger.size);
      expect(resumed.stored.findings).toEqual(answered.stored.findings);
      // a save that keeps the stored directory part (a few leaves on) signs the same part
      await write(events(2, 'few', '2026-03-04'));
      const few = await catchUp.detection();
      await catchUp.close();
      const again = await catchUpOf().detection();
      expect(again.resumedAt).toBe(w.ledger.size);
      expect(again.stored.findings).toEqual(few.stored.findings);
    });

    it('saves on its own a moment after a catch-up', async () => {
      const catchUp = catchUpOf(undefined, { saveAfterMs: 10 });
      await catchUp.detection();
      const size = w.ledger.size;
      for (let i = 0; i < 500; i++) {
        if ((await w.store.detectorState.describe())?.ledgerSize === size) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await w.store.detectorState.describe())?.ledgerSize).toBe(size);
      expect((await w.store.findings.latest())?.ledgerSize).toBe(size);
    });
  });
});
