import type { InterchangeRecord } from '../domain/index.js';
import { StreamError } from './errors.js';
import { partitionKeyOf } from './partition.js';
import type { EventStream, PublishReport, PublishedRecord } from './ports.js';

/** A validated interchange line: its text as read (what is published) and its record. */
export interface LineToPublish {
  readonly line: string;
  readonly record: InterchangeRecord;
}

const CHUNK = 4096;

/**
 * Publishes validated records in their order, each to the partition of its key
 * (`partitionKeyOf`: events by actor, directory records by key, each once), a chunk at a time;
 * resolves when the server has acknowledged every message. `warden ingest --publish` and the
 * HTTP ingest route in publish mode both send through here. A failure throws `PUBLISH_FAILED`
 * after some messages may have been acknowledged: publishing the same lines again is safe, as a
 * worker stores an event id once and an unchanged directory record as no new version.
 */
export async function publishRecords(
  stream: EventStream,
  chunks: AsyncIterable<readonly LineToPublish[]>,
): Promise<PublishReport> {
  const total = { events: 0, directoryRecords: 0, messages: 0 };
  const subjects: Record<string, number> = {};
  let chunk: PublishedRecord[] = [];
  const flush = async (): Promise<void> => {
    const r = await stream.publish(chunk);
    chunk = [];
    total.events += r.events;
    total.directoryRecords += r.directoryRecords;
    total.messages += r.messages;
    for (const [subject, n] of Object.entries(r.subjects))
      subjects[subject] = (subjects[subject] ?? 0) + n;
  };
  for await (const lines of chunks) {
    for (const { line, record } of lines) {
      chunk.push({ line, event: record.kind === 'event', key: partitionKeyOf(record) });
      if (chunk.length >= CHUNK) await flush();
    }
  }
  if (chunk.length > 0) await flush();
  return { ...total, subjects };
}

/**
 * A long-lived publisher over one stream, for a server: it opens the connection when first
 * needed and again after the connection closed for good (the server was down longer than the
 * client's reconnecting), so a NATS outage fails the requests made during it (`UNREACHABLE`,
 * `PUBLISH_FAILED`) and not the ones after. `close` waits for the publishes in flight, then
 * drains the connection.
 */
export class StreamPublisher {
  private current: Promise<EventStream> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing = false;

  /** `open` connects and opens (or makes) the stream, as `openJetStream` does. */
  constructor(
    readonly stream: string,
    private readonly open: () => Promise<EventStream>,
  ) {}

  /** The open stream (opening it when needed); throws the opener's `StreamError`. */
  async connect(): Promise<EventStream> {
    if (this.closing)
      throw new StreamError('UNREACHABLE', `the publisher of stream ${this.stream} is closed`);
    const open = this.current;
    if (open !== undefined) {
      const s = await open.catch(() => undefined);
      if (s !== undefined && !s.closed) return s;
      if (this.current === open) this.current = undefined;
    }
    this.current ??= this.open();
    const opening = this.current;
    try {
      return await opening;
    } catch (error) {
      if (this.current === opening) this.current = undefined; // the next request tries again
      throw error;
    }
  }

  /** Publishes the lines (see `publishRecords`); the report names the partition count too. */
  async publish(
    chunks: AsyncIterable<readonly LineToPublish[]>,
  ): Promise<PublishReport & { readonly partitions: number }> {
    const work = (async () => {
      const s = await this.connect();
      return { ...(await publishRecords(s, chunks)), partitions: s.partitions };
    })();
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /** Refuses new publishes, waits for those in flight, and drains the connection. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    const open = this.current;
    this.current = undefined;
    const s = await open?.catch(() => undefined);
    await s?.close();
  }
}
