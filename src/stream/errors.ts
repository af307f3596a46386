import { WardenError, type ErrorCategory } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `UNREACHABLE` | the NATS server does not answer, or JetStream is not enabled on it |
 * | `NO_STREAM` | the named stream does not exist (a worker never creates one: `ingest --publish` does) |
 * | `LAYOUT_MISMATCH` | the stream is not a Warden event stream, or its partition count differs from the one asked |
 * | `BAD_PARTITION` | a partition number outside the stream's partitions |
 * | `PUBLISH_FAILED` | the server did not acknowledge a message |
 * | `BAD_MESSAGE` | a message to acknowledge was not delivered by this consumer |
 */
export type StreamErrorCode =
  | 'UNREACHABLE'
  | 'NO_STREAM'
  | 'LAYOUT_MISMATCH'
  | 'BAD_PARTITION'
  | 'PUBLISH_FAILED'
  | 'BAD_MESSAGE';

/** A fault of the event stream; a wrong layout or partition is the caller's input, the rest infrastructure. */
export class StreamError extends WardenError<StreamErrorCode> {
  get category(): ErrorCategory {
    return this.code === 'LAYOUT_MISMATCH' || this.code === 'BAD_PARTITION'
      ? 'input'
      : 'infrastructure';
  }
}
