import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDetection, shortResume } from '../src/cli/commands/detect.js';
import { wire, type Wired } from '../src/cli/wiring.js';
import { directoryLines } from './api/fixture.js';
import { event, runCli, tempDir } from './helpers.js';

// A resume of a few leaves reads them on the main thread: the feed's thread is not started
// for it (its start cost a resumed `warden detect` more than the reading it would take over).
let dir: { path: string; cleanup(): void };
let w: Wired;
let db: string;

beforeEach(async () => {
  dir = tempDir('warden-resume-thread-');
  const file = join(dir.path, 'in.ndjson');
  const events = Array.from({ length: 40 }, (_, i) =>
    event(`rt-${i}`, {
      time: new Date(Date.parse('2026-03-02T08:00:00Z') + i * 60_000).toISOString(),
    }),
  );
  writeFileSync(file, `${[...directoryLines(), ...events].join('\n')}\n`);
  db = join(dir.path, 'warden.db');
  expect((await runCli(['ingest', file, '--db', db])).code).toBe(0);
  w = await wire(db);
}, 60_000);
afterEach(async () => {
  await w.close();
  dir.cleanup();
});

describe('shortResume', () => {
  it('is true only when a saved state leaves too few leaves for a thread, and never for --full', async () => {
    expect(await shortResume(w)).toBe(false); // no saved state: a whole replay
    await runDetection(w);
    expect(await shortResume(w)).toBe(true);
    expect(await shortResume(w, true)).toBe(false);
  });

  it('is false when the saved state covers more leaves than the ledger holds', async () => {
    await runDetection(w);
    const saved = (await w.store.detectorState.describe())!;
    const size = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(w.ledger), 'size')!;
    Object.defineProperty(w.ledger, 'size', {
      get: () => saved.ledgerSize - 1,
      configurable: true,
    });
    try {
      expect(await shortResume(w)).toBe(false);
    } finally {
      Object.defineProperty(w.ledger, 'size', size);
    }
  });
});
