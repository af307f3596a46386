import { describe, expect, it } from 'vitest';
import type { InterchangeRecord } from '../domain/index.js';
import { StreamError } from './errors.js';
import { partitionKeyOf } from './partition.js';
import type { EventStream, PublishReport, PublishedRecord } from './ports.js';
import { StreamPublisher, publishRecords, type LineToPublish } from './publisher.js';

/** A stream in memory: what each publish call got, acknowledged when `gate` resolves. */
class FakeStream implements EventStream {
  readonly partitions = 4;
  closed = false;
  closedAt = -1;
  readonly calls: PublishedRecord[][] = [];
  gate: Promise<void> = Promise.resolve();
  log: string[] = [];

  async publish(records: readonly PublishedRecord[]): Promise<PublishReport> {
    this.calls.push([...records]);
    await this.gate;
    this.log.push('acknowledged');
    const events = records.filter((r) => r.event).length;
    return {
      events,
      directoryRecords: records.length - events,
      messages: records.length,
      subjects: { 's.0.event': events, 's.1.directory': records.length - events },
    };
  }
  consumer(): never {
    throw new Error('not used');
  }
  close(): Promise<void> {
    this.log.push('closed');
    this.closed = true;
    return Promise.resolve();
  }
}

const ev = (id: string, actor: string): LineToPublish => {
  const record = { kind: 'event', body: { id, actor } } as unknown as InterchangeRecord;
  return { line: `{"id":"${id}"}`, record };
};
const seller = (id: string): LineToPublish => {
  const record = { kind: 'seller', body: { id } } as unknown as InterchangeRecord;
  return { line: `{"seller":"${id}"}`, record };
};

async function* chunks(...cs: LineToPublish[][]): AsyncGenerator<LineToPublish[]> {
  for (const c of cs) yield await Promise.resolve(c);
}

describe('publishRecords', () => {
  it('sends each record with its partition key, 4096 to a call, in order, and sums the reports', async () => {
    const s = new FakeStream();
    const many = Array.from({ length: 4097 }, (_, i) => ev(`ev-${i}`, `e-${i % 7}`));
    const r = await publishRecords(s, chunks(many.slice(0, 10), [seller('s-1')], many.slice(10)));
    expect(s.calls.map((c) => c.length)).toEqual([4096, 2]);
    const sent = s.calls.flat();
    expect(sent[10]).toEqual({ line: '{"seller":"s-1"}', event: false, key: 'seller\u0000s-1' });
    expect(sent[0]).toEqual({ line: '{"id":"ev-0"}', event: true, key: 'e-0' });
    expect(sent.map((x) => x.key)).toEqual(
      [...many.slice(0, 10), seller('s-1'), ...many.slice(10)].map((x) => partitionKeyOf(x.record)),
    );
    expect(r).toEqual({
      events: 4097,
      directoryRecords: 1,
      messages: 4098,
      subjects: { 's.0.event': 4097, 's.1.directory': 1 },
    });
  });
});

describe('StreamPublisher', () => {
  describe('when it publishes', () => {
    it('opens the stream once, on first use, and names its partition count', async () => {
      const s = new FakeStream();
      let opened = 0;
      const p = new StreamPublisher('s', () => (opened++, Promise.resolve(s)));
      expect(opened).toBe(0);
      await p.publish(chunks([ev('a', 'e-1')]));
      const r = await p.publish(chunks([ev('b', 'e-2')]));
      expect(opened).toBe(1);
      expect(r).toMatchObject({ partitions: 4, events: 1, messages: 1 });
    });

    it('opens again once the connection closed for good', async () => {
      const streams = [new FakeStream(), new FakeStream()];
      let opened = 0;
      const p = new StreamPublisher('s', () => Promise.resolve(streams[opened++]!));
      await p.publish(chunks([ev('a', 'e-1')]));
      streams[0]!.closed = true;
      await p.publish(chunks([ev('b', 'e-1')]));
      expect(opened).toBe(2);
      expect(streams[1]!.calls.flat().map((r) => r.line)).toEqual(['{"id":"b"}']);
    });

    it('answers an unreachable server with its error, and tries again on the next publish', async () => {
      const s = new FakeStream();
      let attempts = 0;
      const p = new StreamPublisher('s', () =>
        ++attempts === 1
          ? Promise.reject(new StreamError('UNREACHABLE', 'down'))
          : Promise.resolve(s),
      );
      await expect(p.publish(chunks([ev('a', 'e-1')]))).rejects.toMatchObject({
        code: 'UNREACHABLE',
      });
      expect(s.calls).toEqual([]);
      await p.publish(chunks([ev('a', 'e-1')]));
      expect(attempts).toBe(2);
      expect(s.calls.flat()).toHaveLength(1);
    });
  });

  describe('when it closes', () => {
    it('waits for the publishes in flight to be acknowledged, then closes the stream', async () => {
      const s = new FakeStream();
      let release: () => void = () => {};
      s.gate = new Promise((r) => (release = r));
      const p = new StreamPublisher('s', () => Promise.resolve(s));
      const inFlight = p.publish(chunks([ev('a', 'e-1')]));
      await new Promise((r) => setTimeout(r, 10));
      const closing = p.close();
      await new Promise((r) => setTimeout(r, 10));
      expect(s.log).toEqual([]);
      release();
      await closing;
      expect(s.log).toEqual(['acknowledged', 'closed']);
      await expect(inFlight).resolves.toMatchObject({ messages: 1 });
      await expect(p.publish(chunks([ev('b', 'e-1')]))).rejects.toMatchObject({
        code: 'UNREACHABLE',
      });
    });
  });
});
