/**
 * The event stream on NATS JetStream. One stream per deployment, its subjects
 * `<stream>.<partition>.event` and `<stream>.<partition>.directory`: a partition's consumer
 * filters on `<stream>.<partition>.>` and so reads its events and its directory records in one
 * ordered feed (nats-server 2.9 has one filter subject per consumer). Every record is published
 * once, to the partition of its key (`partitionKeyOf`): the directory is spread over the
 * partitions like the events, so no worker imports a record twice. The stream's sequence
 * numbers order every message as published (one connection's messages arrive in the order
 * sent), which is how a merge puts the partitions back together. The partition count and the
 * directory's layout are fixed when the stream is made and recorded in its description.
 */
import {
  AckPolicy,
  DeliverPolicy,
  StorageType,
  connect,
  nanos,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { StreamError } from './errors.js';
import { partitionOf } from './partition.js';
import type {
  Delivery,
  EventStream,
  PartitionConsumer,
  PublishReport,
  PublishedRecord,
} from './ports.js';

const LAYOUT = /^warden event stream; partitions=(\d+)(; directory=by-key)?$/;
const IN_FLIGHT = 512;
const ACK_WAIT_MS = 120_000;

export interface JetStreamOptions {
  readonly url: string;
  /** Stream name (letters, digits, `_`, `-`); also the subjects' first token. */
  readonly stream: string;
  /** The partition count for a new stream; for an existing one it must match (or be absent). */
  readonly partitions?: number;
  /** Make the stream when it does not exist (publishers do; workers never). */
  readonly create?: boolean;
}

/** Connects and opens (or, with `create`, makes) the stream. */
export async function openJetStream(o: JetStreamOptions): Promise<JetStreamEvents> {
  if (!/^[A-Za-z0-9_-]+$/.test(o.stream))
    throw new StreamError(
      'LAYOUT_MISMATCH',
      `stream name "${o.stream}": use letters, digits, _ and -`,
    );
  const nc = await connectTo(o.url);
  try {
    const jsm = await nc.jetstreamManager();
    const partitions = await ensureStream(jsm, o);
    return new JetStreamEvents(nc, jsm, nc.jetstream(), o.stream, partitions);
  } catch (error) {
    await nc.close();
    throw error;
  }
}

async function connectTo(url: string): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, timeout: 5000 });
  } catch (cause) {
    throw new StreamError(
      'UNREACHABLE',
      `NATS at ${url} does not answer (${String(cause)}): check --nats or WARDEN_NATS_URL`,
      { cause },
    );
  }
}

async function ensureStream(jsm: JetStreamManager, o: JetStreamOptions): Promise<number> {
  const info = await jsm.streams.info(o.stream).catch(() => undefined);
  if (info === undefined) {
    if (!o.create)
      throw new StreamError(
        'NO_STREAM',
        `no stream ${o.stream} on the NATS server: publish to it first (warden ingest --publish)`,
      );
    const partitions = o.partitions ?? 4;
    await jsm.streams.add({
      name: o.stream,
      subjects: [`${o.stream}.>`],
      description: `warden event stream; partitions=${partitions}; directory=by-key`,
      storage: StorageType.File,
    });
    return partitions;
  }
  const layout = LAYOUT.exec(info.config.description ?? '');
  if (!layout)
    throw new StreamError(
      'LAYOUT_MISMATCH',
      `stream ${o.stream} is not a Warden event stream (its description does not record a partition count)`,
    );
  const partitions = Number(layout[1]);
  if (layout[2] === undefined)
    throw new StreamError(
      'LAYOUT_MISMATCH',
      `stream ${o.stream} copies every directory record into every partition (an earlier layout): publish into a new stream and rebuild the partition ledgers from it`,
    );
  if (o.partitions !== undefined && o.partitions !== partitions)
    throw new StreamError(
      'LAYOUT_MISMATCH',
      `stream ${o.stream} has ${partitions} partitions, not ${o.partitions}: the count is fixed when the stream is made`,
    );
  return partitions;
}

export class JetStreamEvents implements EventStream {
  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    readonly stream: string,
    readonly partitions: number,
  ) {}

  async publish(records: readonly PublishedRecord[]): Promise<PublishReport> {
    const pending: Promise<unknown>[] = [];
    const subjects: Record<string, number> = {};
    let events = 0;
    let directoryRecords = 0;
    const send = async (subject: string, line: string): Promise<number> => {
      try {
        return (await this.js.publish(subject, Buffer.from(line))).seq;
      } catch (cause) {
        throw new StreamError(
          'PUBLISH_FAILED',
          `${subject}: the server did not acknowledge the message (${String(cause)})`,
          { cause },
        );
      }
    };
    for (const r of records) {
      const p = partitionOf(r.key, this.partitions);
      if (r.event) events++;
      else directoryRecords++;
      const subject = `${this.stream}.${p}.${r.event ? 'event' : 'directory'}`;
      subjects[subject] = (subjects[subject] ?? 0) + 1;
      pending.push(send(subject, r.line));
      if (pending.length >= IN_FLIGHT) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    return { events, directoryRecords, messages: events + directoryRecords, subjects };
  }

  async consumer(partition: number, after = 0): Promise<PartitionConsumer> {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitions)
      throw new StreamError(
        'BAD_PARTITION',
        `partition ${partition} does not exist in stream ${this.stream} (0-${this.partitions - 1})`,
      );
    const name = `${this.stream}_p${partition}`;
    const info = await this.jsm.consumers.info(this.stream, name).catch(() => undefined);
    if (info === undefined) await this.addConsumer(name, partition);
    else if (info.num_ack_pending > 0 || info.ack_floor.stream_seq !== after) {
      // Messages delivered to a reader that is gone come back only after the acknowledgement
      // wait, behind newer ones, and acknowledging a newer one (ack-all) would drop them: a
      // worker that took them out of order would skip them as applied. So the consumer starts
      // again right after the last message the partition ledger holds, the only record of what
      // was applied (also when a ledger restored from a backup is behind the consumer).
      await this.jsm.consumers.delete(this.stream, name);
      await this.addConsumer(name, partition, after + 1);
    }
    return new JetStreamPartition(partition, await this.js.consumers.get(this.stream, name));
  }

  private async addConsumer(name: string, partition: number, startSeq?: number): Promise<void> {
    await this.jsm.consumers.add(this.stream, {
      durable_name: name,
      filter_subject: `${this.stream}.${partition}.>`,
      ack_policy: AckPolicy.All,
      ...(startSeq === undefined
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }),
      ack_wait: nanos(ACK_WAIT_MS),
      max_ack_pending: -1,
    });
  }

  /** Deletes the stream and its consumers (tests, and tearing a deployment down). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.stream);
  }

  get closed(): boolean {
    return this.nc.isClosed();
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

type Consumer = Awaited<ReturnType<JetStreamClient['consumers']['get']>>;

class JetStreamPartition implements PartitionConsumer {
  private readonly messages = new WeakMap<Delivery, JsMsg>();

  constructor(
    readonly partition: number,
    private readonly c: Consumer,
  ) {}

  async next(max: number, waitMs: number): Promise<Delivery[]> {
    const out: Delivery[] = [];
    const batch = await this.c.fetch({ max_messages: max, expires: Math.max(1000, waitMs) });
    for await (const m of batch) {
      const d = toDelivery(m);
      this.messages.set(d, m);
      out.push(d);
    }
    return out;
  }

  async ackThrough(d: Delivery): Promise<void> {
    const m = this.messages.get(d);
    if (m === undefined)
      throw new StreamError('BAD_MESSAGE', `message ${d.seq} was not delivered by this consumer`);
    await m.ackAck();
  }

  async backlog(): Promise<number> {
    const info = await this.c.info();
    return info.num_pending + info.num_ack_pending;
  }
}

function toDelivery(m: JsMsg): Delivery {
  return {
    seq: m.info.streamSequence,
    line: Buffer.from(m.data).toString('utf8'),
    pending: m.info.pending,
  };
}
