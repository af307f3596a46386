export { StreamError } from './errors.js';
export type { StreamErrorCode } from './errors.js';
export { parsePartitionList, partitionKeyOf, partitionOf } from './partition.js';
export { JetStreamEvents, openJetStream } from './jetstream.js';
export type { JetStreamOptions } from './jetstream.js';
export { StreamPublisher, publishRecords } from './publisher.js';
export type { LineToPublish } from './publisher.js';
export type {
  Delivery,
  EventStream,
  PartitionConsumer,
  PublishReport,
  PublishedRecord,
} from './ports.js';
