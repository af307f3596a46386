import { describe, expect, it } from 'vitest';
import { DetectionEngine, snapshotEngine } from '../src/detect/index.js';
import { answers, fortnight } from './detect-support.js';

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
