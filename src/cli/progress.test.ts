import { describe, expect, it } from 'vitest';
import { throttled, type Progress } from './progress.js';

/** A bar that records what it is told. */
function recorder(): Progress & { told: number[]; stopped: number } {
  const told: number[] = [];
  const bar = {
    told,
    stopped: 0,
    update: (done: number) => void told.push(done),
    stop: () => void bar.stopped++,
  };
  return bar;
}

describe('throttled', () => {
  it('tells the bar of updates `every` apart, and always the last update', () => {
    const bar = recorder();
    const p = throttled(bar, 1_000_000, 1_000_000 / 200);
    for (let done = 2_500; done <= 1_000_000; done += 2_500) p.update(done);
    p.stop();
    expect(bar.told.length).toBeGreaterThanOrEqual(190);
    expect(bar.told.length).toBeLessThanOrEqual(201);
    expect(bar.told.at(-1)).toBe(1_000_000);
    for (let i = 1; i < bar.told.length - 1; i++)
      expect(bar.told[i]! - bar.told[i - 1]!).toBeGreaterThanOrEqual(5_000);
    expect(bar.stopped).toBe(1);
  });

  it('passes every update of a step of at least `every`', () => {
    const bar = recorder();
    const p = throttled(bar, 50, 1);
    for (let done = 1; done <= 50; done++) p.update(done);
    expect(bar.told).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('tells an end reached in one jump, past the total or not', () => {
    const bar = recorder();
    const p = throttled(bar, 1_000, 100);
    p.update(10);
    p.update(1_200);
    expect(bar.told).toEqual([1_200]);
  });
});
