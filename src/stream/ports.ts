/**
 * The event stream's port: a log of interchange lines, partitioned by actor, read by durable
 * consumers (`jetstream.ts` wraps NATS JetStream). Every message has the stream's sequence
 * number, which orders the records of all partitions as they were published.
 */
export interface EventStream {
  /** The partition count fixed when the stream was made. */
  readonly partitions: number;
  /** Publishes records in order, each once, to the partition of its key (`partitionKeyOf`). */
  publish(records: readonly PublishedRecord[]): Promise<PublishReport>;
  /**
   * A durable reader of one partition (its events and its share of the directory), in stream
   * order. `after` is the highest sequence number the partition's ledger holds (0: none): when
   * the durable reader is not where that ledger left it (messages delivered and never
   * acknowledged, by a worker that died), it starts again right after `after`.
   */
  consumer(partition: number, after?: number): Promise<PartitionConsumer>;
  /** Whether the connection is closed for good (closed, or reconnecting gave up): open anew. */
  readonly closed: boolean;
  close(): Promise<void>;
}

/** A record to publish: its interchange line, whether it is an event, and its partition key. */
export interface PublishedRecord {
  readonly line: string;
  readonly event: boolean;
  /** `partitionKeyOf(record)`: the event's actor, or the directory record's key. */
  readonly key: string;
}

export interface PublishReport {
  readonly events: number;
  readonly directoryRecords: number;
  /** Messages sent (one per record). */
  readonly messages: number;
  /** Messages per subject (`<stream>.<p>.event`, `<stream>.<p>.directory`), every one acknowledged. */
  readonly subjects: Readonly<Record<string, number>>;
}

/** One message of a partition: its sequence number in the stream, and its line. */
export interface Delivery {
  readonly seq: number;
  readonly line: string;
  /** Messages of the partition not yet delivered when this one was, as the server counted them. */
  readonly pending: number;
}

export interface PartitionConsumer {
  readonly partition: number;
  /** The next messages not yet acknowledged (up to `max`; [] when none came within `waitMs`). */
  next(max: number, waitMs: number): Promise<Delivery[]>;
  /** Acknowledges every message up to and including `seq`, and waits for the server to confirm. */
  ackThrough(delivery: Delivery): Promise<void>;
  /** Messages neither delivered nor acknowledged yet, as the server counts them. */
  backlog(): Promise<number>;
}
