import { deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { DetectionEngine } from './engine.js';
import { SLAB_BYTES, Slabs } from './slabs.js';
import { restoreEngine, snapshotDirectory, snapshotEngine } from './snapshot.js';
import type { Tape } from './snapshot-format.js';
import { Stream, at } from './test-support.js';

/** Employees working `days` days: a login and a few seller views each day. */
function working(employees: number, days: number): Stream {
  const s = new Stream();
  for (let i = 0; i < 5; i++) s.seller(`s-${i}`);
  const ids = Array.from({ length: employees }, (_, i) => `e-${i}`);
  ids.forEach((id, i) => s.employee(id, { team: `t-${i % 3}` }));
  for (let day = 0; day < days; day++)
    for (const [i, id] of ids.entries()) {
      s.event(id, 'login', 'system', 'console', at(day, 8, i % 60));
      for (let k = 0; k < 1 + ((i + day) % 3); k++)
        s.event(id, 'seller.account.view', 'seller', `s-${(i + k) % 5}`, at(day, 9 + k, i % 60));
    }
  return s;
}

/** The buffers of the engine's saved rest (all but the directory's records), as saved. */
const restBuffers = (engine: DetectionEngine): number =>
  (deserialize(snapshotEngine(engine)) as Tape).buffers.length;

describe('small typed arrays cut from shared buffers', () => {
  it('are zeroed, aligned, apart from one another, and share a buffer until it is full', () => {
    const slabs = new Slabs();
    const a = slabs.carve(Int32Array, 3);
    const b = slabs.carve(Float64Array, 5);
    const c = slabs.carve(Int32Array, 7);
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).toBe(a.buffer);
    for (const x of [a, b, c]) expect(x.byteOffset % 8).toBe(0);
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.byteLength);
    expect(c.byteOffset).toBeGreaterThanOrEqual(b.byteOffset + b.byteLength);
    a.fill(-1);
    b.fill(-1);
    expect([...c]).toEqual(new Array(7).fill(0));
    // a full buffer: the next array starts a new one; a large array has one of its own
    const many = Array.from({ length: SLAB_BYTES / 1024 + 1 }, () => slabs.carve(Int32Array, 256));
    expect(new Set(many.map((x) => x.buffer)).size).toBe(2);
    const large = slabs.carve(Float64Array, SLAB_BYTES);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(SLAB_BYTES * 8);
  });

  it("keep an engine's saved state to a few buffers, not a few per employee", () => {
    const engine = new DetectionEngine();
    engine.consume(working(120, 6).records);
    // each employee's habit (hours, week) and counts (three arrays): 600 buffers one by one
    expect(restBuffers(engine)).toBeLessThan(40);
  });

  it('go on being cut where they stopped after a resume: the saved bytes are those of an engine never saved', () => {
    const records = working(40, 12).records;
    const whole = new DetectionEngine();
    whole.consume(records);
    // fed in three parts, saved and restored between them
    let engine = new DetectionEngine();
    let from = 0;
    for (const to of [records.length / 3, (2 * records.length) / 3, records.length]) {
      engine.consume(records.slice(from, Math.floor(to)));
      from = Math.floor(to);
      engine = restoreEngine(snapshotEngine(engine), snapshotDirectory(engine));
    }
    expect(engine.findings()).toEqual(whole.findings());
    expect(Buffer.from(snapshotEngine(engine))).toEqual(Buffer.from(snapshotEngine(whole)));
  });
});
