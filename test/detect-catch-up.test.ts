import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCase } from '../src/cases/index.js';
import { caseDeps } from '../src/cli/commands/case-deps.js';
import { runDetection } from '../src/cli/commands/detect.js';
import { DetectionCatchUp, type WriteQueue } from '../src/cli/detect-catch-up.js';
import { wire, type Wired } from '../src/cli/wiring.js';
import { Serial } from '../src/server/index.js';
import { directoryLines } from './api/fixture.js';
import { event, runCli, tempDir } from './helpers.js';

const EVENTS = 400;
const SLICE = 50;

/** Views by two agents across the day: enough leaves for several slices. */
function events(): string[] {
  return Array.from({ length: EVENTS }, (_, i) =>
    event(`cu-${i}`, {
      actor: i % 3 === 0 ? 'm1' : 'a1',
      time: new Date(Date.parse('2026-03-02T08:00:00Z') + i * 47_000).toISOString(),
      action: i % 5 === 0 ? 'seller.account.view' : 'seller.metrics.view',
      target: { type: 'seller', id: 's1' },
    }),
  );
}

let dir: { path: string; cleanup(): void };
let w: Wired;
beforeEach(async () => {
  dir = tempDir('warden-catch-up-');
  const file = join(dir.path, 'in.ndjson');
  writeFileSync(file, `${[...directoryLines(), ...events()].join('\n')}\n`);
  const db = join(dir.path, 'warden.db');
  expect((await runCli(['ingest', file, '--db', db])).code).toBe(0);
  w = await wire(db);
}, 60_000);
afterEach(async () => {
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
      const detected = await new DetectionCatchUp(w, undefined, queue, SLICE).detection();
      order.push('detected');

      expect(order).toEqual(['write', 'detected']);
      // nothing was stored yet: the write did not wait for the replay
      expect(storedWhenWritten).toBeUndefined();
      // and the catch-up went on to the leaves the write appended
      expect(detected.stored.ledgerSize).toBe(w.ledger.size);
      expect(detected.resumedAt).toBe(0);
    });

    it('stores what one uninterrupted run would', async () => {
      const sliced = await new DetectionCatchUp(w, undefined, undefined, SLICE).detection();
      const whole = await runDetection(w, undefined, { full: true });
      expect(sliced.stored.ledgerSize).toBe(whole.stored.ledgerSize);
      expect(sliced.stored.events).toBe(whole.stored.events);
      expect(sliced.stored.findings).toEqual(whole.stored.findings);
      expect(sliced.stored.findings.risk.length).toBeGreaterThan(0);
    });
  });

  describe('when callers arrive while it catches up', () => {
    it('shares one run, and resumes from the saved state once the ledger grows', async () => {
      const catchUp = new DetectionCatchUp(w, undefined, undefined, SLICE);
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
