/**
 * The event stream's port: a log of interchange lines, partitioned by actor, read by durable
 * consumers (`jetstream.ts` wraps NATS JetStream). Every message has the stream's sequence
 * number, which orders the records of all partitions as they were published.
 */
export interface EventStream {
  /** The partition count fixed when the stream was made. */
  readonly partitions: number;
  /** Publishes records in order: each event to its actor's partition, each directory record to every partition. */
  publish(records: readonly PublishedRecord[]): Promise<PublishReport>;
  /** A durable reader of one partition (its events and the directory records), in stream order. */
  consumer(partition: number): Promise<PartitionConsumer>;
  close(): Promise<void>;
}

/** A record to publish: its interchange line and, for an event, its actor. */
export interface PublishedRecord {
  readonly line: string;
  /** The event's actor; undefined for a directory record. */
  readonly actor?: string;
}

export interface PublishReport {
  readonly events: number;
  readonly directoryRecords: number;
  /** Messages sent (a directory record is one per partition). */
  readonly messages: number;
}

/** One message of a partition: its sequence number in the stream, and its line. */
export interface Delivery {
  readonly seq: number;
  readonly line: string;
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
