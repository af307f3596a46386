import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../src/detect/index.js';
import { resolveOptions, simulate } from '../src/sim/index.js';

// Streaming: detection fed batch by batch (as batches land) must equal one replay.
describe('DetectionEngine', () => {
  describe('when the stream arrives in batches', () => {
    it('gives exactly the findings of one replay (a simulated fortnight)', () => {
      const files: string[][] = [];
      simulate(resolveOptions({ preset: 'small', seed: 8 }), {
        write: (_f, lines) => void files.push([...lines]),
      });
      const toRecords = (lines: string[]) =>
        lines.map((l) => {
          const { v: _v, kind, ...body } = JSON.parse(l) as Record<string, unknown>;
          return { kind, body } as never;
        });
      const incremental = new DetectionEngine();
      for (const f of files) incremental.consume(toRecords(f));
      const replay = new DetectionEngine();
      replay.consume(toRecords(files.flat()));
      const a = incremental.findings();
      expect(a.risk.length).toBeGreaterThan(0);
      expect(a).toEqual(replay.findings());
    });
  });
});
