import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PinnedPolicies } from '../src/guard/index.js';
import { openGuard, wire } from '../src/cli/wiring.js';
import { employee, runCli, tempDir } from './helpers.js';

// `warden serve` holds its ledger open for hours while operators run CLI commands on the same
// database. A command's leaves and signed checkpoint land beside the server's view; the
// server must prove against that newer signed head, not refuse what it has not loaded.
describe('a ledger check after another process appended and signed', () => {
  const dir = tempDir('warden-two-processes-');
  afterAll(() => dir.cleanup());

  it('proves against the newer signed head', async () => {
    const db = join(dir.path, 'w.db');
    const lines = ['inv1', 'inv2'].map((id) => employee(id)).join('\n');
    expect((await runCli(['ingest', '--db', db, '-'], `${lines}\n`)).code).toBe(0);
    const w = await wire(db);
    try {
      await openGuard(w); // installs the shipped policy set: a ledgered activation
      const pinned = new PinnedPolicies(w.store, w.ledger, w.now);
      expect(await pinned.active()).toBeDefined();
      const before = w.ledger.size;
      // another process writes leaves and a signed checkpoint
      expect((await runCli(['token', 'create', 'inv1', '--db', db])).code).toBe(0);
      expect((await runCli(['token', 'create', 'inv2', '--db', db])).code).toBe(0);
      expect(await w.store.ledger.size()).toBeGreaterThan(before);
      expect(await pinned.active()).toBeDefined();
      expect(w.ledger.size).toBe(await w.store.ledger.size());
    } finally {
      await w.close();
    }
  }, 60_000);
});
