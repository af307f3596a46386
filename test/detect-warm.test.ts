import { describe, expect, it } from 'vitest';
import type { InterchangeRecord } from '../src/domain/index.js';
import { DetectionEngine, snapshotEngine } from '../src/detect/index.js';
import { resolveOptions, simulate } from '../src/sim/index.js';

/** A simulated fortnight (the simulator's small preset, every scenario it plays), in stream order. */
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

/** Everything `warden serve` asks its one warm engine between two feeds. */
function answers(engine: DetectionEngine) {
  const employees = [...engine.directory.employees.keys()].sort();
  return {
    findings: engine.findings(),
    sellers: engine.sellers(),
    rings: engine.rings(),
    peerGroups: engine.peerGroups(),
    events: engine.events,
    baselines: employees.map((id) => engine.baselineOf(id)),
    hits: employees.map((id) => engine.hitsOf(id)),
  };
}

// The server keeps one engine in memory and feeds it only the new leaves (src/cli/detect-catch-up.ts);
// between two feeds it answers findings, sellers, rings and explanations from it. That rests on
// asking changing nothing: otherwise the warm engine would drift from a replay and from the
// saved state a restart resumes.
describe('a warm engine', () => {
  describe('when it is asked everything between feeds', () => {
    it.each([3, 8])('keeps exactly the state it had (seed %i)', (seed) => {
      const records = fortnight(seed);
      for (const share of [0.1, 0.5, 0.9]) {
        const engine = new DetectionEngine();
        engine.consume(records.slice(0, Math.floor(records.length * share)));
        const before = snapshotEngine(engine);
        answers(engine);
        expect(snapshotEngine(engine).equals(before)).toBe(true);
      }
    });

    it.each([3, 8])('gives exactly the answers of one replay at the end (seed %i)', (seed) => {
      const records = fortnight(seed);
      const replay = new DetectionEngine();
      replay.consume(records);
      const expected = answers(replay);
      expect(expected.findings.alerts.length).toBeGreaterThan(0);
      const engine = new DetectionEngine();
      let at = 0;
      // many small feeds, each followed by every question, as writes and views alternate
      for (const share of [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]) {
        const cut = Math.floor(records.length * share);
        engine.consume(records.slice(at, cut));
        at = cut;
        answers(engine);
      }
      engine.consume(records.slice(at));
      expect(answers(engine)).toEqual(expected);
    });
  });
});
