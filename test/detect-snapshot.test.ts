import { describe, expect, it } from 'vitest';
import type { InterchangeRecord } from '../src/domain/index.js';
import { DetectionEngine, restoreEngine, snapshotEngine } from '../src/detect/index.js';
import { resolveOptions, simulate } from '../src/sim/index.js';

/** A simulated fortnight (small preset, every scenario the preset plays), in stream order. */
function fortnight(seed: number): InterchangeRecord[] {
  const records: InterchangeRecord[] = [];
  simulate(resolveOptions({ preset: 'small', seed, days: 14 }), {
    write: (_f, lines) => {
      for (const l of lines) {
        const { v: _v, kind, ...body } = JSON.parse(l) as Record<string, unknown>;
        records.push({ kind, body } as never);
      }
    },
  });
  return records;
}

/** Everything the CLI asks an engine, for comparing two engines. */
function answers(engine: DetectionEngine) {
  const employees = [...engine.directory.employees.keys()].sort();
  return {
    findings: engine.findings(),
    sellers: engine.sellers(),
    rings: engine.rings(),
    events: engine.events,
    baselines: employees.map((id) => engine.baselineOf(id)),
    hits: employees.map((id) => engine.hitsOf(id)),
  };
}

// Incremental detection rests on this: snapshot → restore → the rest of the stream gives what
// one replay gives, wherever the stream is cut.
describe('engine snapshots', () => {
  describe('when a real engine is snapshotted mid-stream and the copy consumes the rest', () => {
    it.each([3, 8])('gives exactly the answers of one replay (seed %i)', (seed) => {
      const records = fortnight(seed);
      const replay = new DetectionEngine();
      replay.consume(records);
      const expected = answers(replay);
      expect(expected.findings.risk.length).toBeGreaterThan(0);
      expect(expected.findings.alerts.length).toBeGreaterThan(0);
      for (const share of [0.1, 0.5, 0.9, 0.99]) {
        const cut = Math.floor(records.length * share);
        let engine = new DetectionEngine();
        engine.consume(records.slice(0, cut));
        engine.findings(); // asking for findings changes nothing, before or after a restore
        engine = restoreEngine(snapshotEngine(engine));
        engine.consume(records.slice(cut));
        expect(answers(engine)).toEqual(expected);
      }
    });

    it('restores a snapshot of a restored engine to the same bytes', () => {
      const records = fortnight(5);
      const engine = new DetectionEngine();
      engine.consume(records);
      const bytes = snapshotEngine(engine);
      expect(snapshotEngine(restoreEngine(bytes)).equals(bytes)).toBe(true);
    });
  });
});
