import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Prefetch } from './body.js';

const body = (...chunks: string[]): Readable =>
  Readable.from(
    chunks.map((c) => Buffer.from(c)),
    { objectMode: false },
  );

async function text(chunks: AsyncIterable<Buffer>): Promise<string> {
  let s = '';
  for await (const c of chunks) s += c.toString();
  return s;
}

describe('Prefetch', () => {
  it('reads a short body whole ahead, and hands back its chunks once', async () => {
    const p = new Prefetch(100, 1000);
    const head = await p.read(body('ab', 'cd'), 1000);
    expect({ bytes: head.bytes, ended: head.ended, holding: p.holding }).toEqual({
      bytes: 4,
      ended: true,
      holding: 4,
    });
    expect(await text(head.chunks())).toBe('abcd');
    head.release();
    head.release(); // once
    expect(p.holding).toBe(0);
  });

  it('reads at most its share of a long body ahead; the rest follows from the stream', async () => {
    const p = new Prefetch(4, 1000);
    const head = await p.read(body('ab', 'cd', 'ef', 'gh'), 1000);
    expect({ bytes: head.bytes, ended: head.ended }).toEqual({ bytes: 4, ended: false });
    expect(await text(head.chunks())).toBe('abcdefgh');
    head.release();
    expect(p.holding).toBe(0);
  });

  it('reads nothing ahead once the bodies waiting hold the total', async () => {
    const p = new Prefetch(100, 4);
    const first = await p.read(body('abcd', 'ef'), 1000);
    expect(first.bytes).toBe(4);
    const second = await p.read(body('xy', 'z'), 1000);
    expect({ bytes: second.bytes, ended: second.ended }).toEqual({ bytes: 0, ended: false });
    expect(await text(second.chunks())).toBe('xyz');
    first.release();
    const third = await p.read(body('uv'), 1000);
    expect({ bytes: third.bytes, ended: third.ended }).toEqual({ bytes: 2, ended: true });
  });

  it('stops reading once the body is over the limit', async () => {
    const p = new Prefetch(100, 1000);
    const head = await p.read(body('abc', 'def', 'ghi'), 5);
    expect({ bytes: head.bytes, ended: head.ended }).toEqual({ bytes: 6, ended: false });
  });
});
