/** A checkpoint sink that POSTs each note to an HTTP endpoint another party runs. */
import type { CheckpointSink } from './checkpoint-sink.js';

const TIMEOUT_MS = 10_000;

/**
 * POSTs the note (`text/plain; charset=utf-8`) and resolves only on a 2xx answer: the
 * endpoint must have stored it durably before answering. Anything else, a timeout
 * included, rejects.
 */
export class HttpCheckpointSink implements CheckpointSink {
  constructor(
    readonly where: string,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  async append(note: string): Promise<void> {
    const response = await fetch(this.where, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: note,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.arrayBuffer(); // drain, so the connection is released
    if (!response.ok) throw new Error(`the endpoint answered ${String(response.status)}`);
  }
}
