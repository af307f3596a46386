/**
 * The port through which every signed checkpoint leaves the database as it is made. A
 * database writer can rewrite the database, tiles and checkpoints included; they cannot
 * take back what a sink already holds. Sinks do not depend on the store, so a PostgreSQL
 * deployment wires the same ones.
 */
import { CheckpointLogError } from './errors.js';

/** Somewhere outside the database that keeps every checkpoint note, append-only. */
export interface CheckpointSink {
  /** Where the notes go, for messages (a path, a URL). */
  readonly where: string;
  /**
   * Appends one signed checkpoint note durably (on disk, or acknowledged by the endpoint)
   * before it resolves; rejects if it could not.
   */
  append(note: string): Promise<void>;
}

/**
 * Appends `note` to every sink, all of them tried even if one fails. Throws
 * `CHECKPOINT_NOT_LOGGED` naming each sink that failed and what to do.
 */
export async function publishCheckpoint(
  sinks: readonly CheckpointSink[],
  note: string,
  size: number,
): Promise<void> {
  const results = await Promise.allSettled(sinks.map((sink) => sink.append(note)));
  const failed = results.flatMap((result, i) =>
    result.status === 'rejected' ? [`${sinks[i]?.where ?? '?'}: ${reason(result.reason)}`] : [],
  );
  if (failed.length === 0) return;
  throw new CheckpointLogError(
    'CHECKPOINT_NOT_LOGGED',
    `the checkpoint of size ${size} is committed in the database but could not be appended to ` +
      `the checkpoint log outside it (${failed.join('; ')}). The batch is stored but NOT held ` +
      'outside the database: fix the log and run `warden ledger checkpoint` to append the head.',
    { cause: results.find((r) => r.status === 'rejected') },
  );
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
