import { describe, expect, it } from 'vitest';
import { leafHash } from './hash.js';
import { consistencyProof, inclusionProof, treeRoot } from './proofs.js';
import { MemoryTiles } from './test-support.js';
import { TileWriter } from './tile-writer.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

// Timing runs only on request (WARDEN_PERF=1 npx vitest run src/ledger/ledger.perf.test.ts):
// timings on shared CI machines are noise, not signal.
const enabled = process.env['WARDEN_PERF'] !== undefined;
const report = (line: string) => process.stdout.write(`[ledger perf] ${line}\n`);

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[samples.length >> 1] ?? 0;

/** A 100-byte entry, like a small canonical JSON record. */
function entry(i: number): Buffer {
  const data = Buffer.alloc(100, 0x61);
  data.writeUInt32BE(i, 0);
  return data;
}

describe.skipIf(!enabled)('ledger performance', () => {
  describe('when appending 1,000,000 leaves', () => {
    it(
      'appends hundreds of thousands of leaves per second, leaf hashing included',
      { timeout: 600_000 },
      () => {
        const writer = new TileWriter();
        const store = new MemoryTiles();
        const start = process.hrtime.bigint();
        for (let i = 0; i < 1_000_000; i++) {
          writer.append(leafHash(entry(i)));
          if (i % 1000 === 999) store.save(writer.takeDirtyTiles());
        }
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        report(`append+leafHash: ${Math.round(1e6 / seconds).toLocaleString('en')} leaves/s`);
        const hashes = Array.from({ length: 1_000_000 }, (_, i) => leafHash(entry(i)));
        const bare = new TileWriter();
        const t0 = process.hrtime.bigint();
        for (const hash of hashes) bare.append(hash);
        const bareSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
        report(
          `append (leaf hash given): ${Math.round(1e6 / bareSeconds).toLocaleString('en')} leaves/s`,
        );
        expect(1e6 / seconds).toBeGreaterThan(100_000);
      },
    );
  });

  describe('when proving over 10,000,000 leaves from a Map of tiles', () => {
    it(
      'builds and verifies a proof in well under 100 µs at the median',
      { timeout: 600_000 },
      () => {
        const size = 10_000_000;
        const writer = new TileWriter();
        const store = new MemoryTiles();
        for (let i = 0; i < size; i++) {
          writer.append(leafHash(entry(i)));
          if (i % 10_000 === 9_999) store.save(writer.takeDirtyTiles());
        }
        store.save(writer.takeDirtyTiles());
        const root = writer.root();
        const reader = store.reader();
        const build: number[] = [];
        const check: number[] = [];
        const buildC: number[] = [];
        const checkC: number[] = [];
        for (let n = 0; n < 20_000; n++) {
          const index = Math.floor(Math.random() * size);
          let t = process.hrtime.bigint();
          const proof = inclusionProof(index, size, reader);
          build.push(Number(process.hrtime.bigint() - t) / 1000);
          t = process.hrtime.bigint();
          verifyInclusion(index, size, reader.node(0, index), proof, root);
          check.push(Number(process.hrtime.bigint() - t) / 1000);
          if (n % 10 === 0) {
            const size1 = 1 + index;
            t = process.hrtime.bigint();
            const consistency = consistencyProof(size1, size, reader);
            buildC.push(Number(process.hrtime.bigint() - t) / 1000);
            const root1 = treeRoot(size1, reader);
            t = process.hrtime.bigint();
            verifyConsistency(size1, size, root1, root, consistency);
            checkC.push(Number(process.hrtime.bigint() - t) / 1000);
          }
        }
        report(
          `inclusion proof p50 ${median(build).toFixed(1)} µs, verify p50 ${median(check).toFixed(1)} µs`,
        );
        report(
          `consistency proof p50 ${median(buildC).toFixed(1)} µs, verify p50 ${median(checkC).toFixed(1)} µs`,
        );
        expect(median(build)).toBeLessThan(100);
      },
    );
  });
});
