import { describe, expect, it } from 'vitest';
import {
  DetectionEngine,
  SnapshotError,
  directoryFields,
  restoreEngine,
  snapshotDirectory,
  snapshotEngine,
} from '../src/detect/index.js';
import { answers, fortnight } from './detect-support.js';

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
        engine = restoreEngine(snapshotEngine(engine), snapshotDirectory(engine));
        engine.consume(records.slice(cut));
        expect(answers(engine)).toEqual(expected);
      }
    });

    it('restores a snapshot of a restored engine to the same bytes', () => {
      const records = fortnight(5);
      const engine = new DetectionEngine();
      engine.consume(records);
      const bytes = snapshotEngine(engine);
      const directory = snapshotDirectory(engine);
      const again = restoreEngine(bytes, directory);
      expect(snapshotEngine(again).equals(bytes)).toBe(true);
      expect(snapshotDirectory(again).equals(directory)).toBe(true);
    });
  });

  describe('when the directory part was saved earlier than the rest', () => {
    it.each([
      [0.2, 0.5],
      [0.5, 0.51],
      [0, 0.9],
    ])(
      'replaying the directory records in between gives the answers of one replay (%f → %f)',
      (a, b) => {
        const records = fortnight(6);
        const replay = new DetectionEngine();
        replay.consume(records);
        const expected = answers(replay);
        const [c1, c2] = [Math.floor(records.length * a), Math.floor(records.length * b)];
        const engine = new DetectionEngine();
        engine.consume(records.slice(0, c1));
        const directory = snapshotDirectory(engine);
        engine.consume(records.slice(c1, c2));
        const restored = restoreEngine(snapshotEngine(engine), directory);
        restored.directory.replay(records.slice(c1, c2));
        restored.consume(records.slice(c2));
        expect(answers(restored)).toEqual(expected);
      },
    );

    it('would give other answers without the replay (the test can fail)', () => {
      const records = fortnight(6);
      const replay = new DetectionEngine();
      replay.consume(records);
      const cut = Math.floor(records.length * 0.5);
      const engine = new DetectionEngine();
      const directory = snapshotDirectory(engine); // empty: nothing consumed yet
      engine.consume(records.slice(0, cut));
      const restored = restoreEngine(snapshotEngine(engine), directory);
      restored.consume(records.slice(cut));
      expect(answers(restored)).not.toEqual(answers(replay));
    });
  });

  describe('when the state is split in two parts', () => {
    it('shares no object between the directory records and the rest of the engine', () => {
      const records = fortnight(7);
      const engine = new DetectionEngine();
      engine.consume(records);
      engine.findings();
      const dir = engine.directory as unknown as Record<string, object>;
      const parts = directoryFields(engine).map((k) => dir[k]!);
      const inRecords = reachable(parts, new Set());
      const inRest = reachable([engine], new Set(parts));
      // the directory's records are columns (and the assignments' spans), the rest objects
      expect(inRecords.size).toBeGreaterThan(100);
      expect(inRest.size).toBeGreaterThan(1000);
      const shared = [...inRest].filter((o) => inRecords.has(o));
      expect(shared).toEqual([]);
    });

    it('joins the parts by position (a mix is for the MACs to refuse) and refuses a part of the wrong kind', () => {
      const records = fortnight(3);
      const a = new DetectionEngine();
      a.consume(records.slice(0, 100));
      const b = new DetectionEngine();
      b.consume(records);
      const restored = restoreEngine(snapshotEngine(a), snapshotDirectory(b));
      // the parts are joined by position, so a mix decodes: the MACs (detect-state) refuse it
      expect(restored.directory.ticketCount).toBe(b.directory.ticketCount);
      expect(() => restoreEngine(snapshotEngine(a), snapshotEngine(b))).toThrow(SnapshotError);
    });
  });
});

/** Every object reachable from `roots`, not entering `stops`. */
function reachable(roots: readonly object[], stops: ReadonlySet<object>): Set<object> {
  const seen = new Set<object>();
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v) || stops.has(v)) continue;
    seen.add(v);
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else if (ArrayBuffer.isView(v)) continue;
    else for (const x of Object.values(v)) stack.push(x);
  }
  return seen;
}
