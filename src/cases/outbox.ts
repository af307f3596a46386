import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { OutboxCommand, Store } from '../store/index.js';

/** Where outbox commands go: the marketplace's systems. Throws when a delivery fails. */
export interface OutboxSink {
  readonly name: string;
  deliver(command: OutboxCommand): Promise<void>;
}

/** The body a sink receives: the command's id (its idempotency key) and the command. */
export function commandBody(c: OutboxCommand): string {
  return `${JSON.stringify({ id: c.id, case: c.caseId, measure: c.measure, command: JSON.parse(c.payload) as unknown })}\n`;
}

/**
 * POSTs each command as JSON with `Idempotency-Key: <id>`; a 2xx answer is a delivery. The
 * receiver applies each id once: a command whose answer was lost is sent again and must do
 * nothing the second time (at least once + idempotent = exactly one effect).
 */
export class HttpOutboxSink implements OutboxSink {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.name = url;
  }

  async deliver(c: OutboxCommand): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': c.id },
      body: commandBody(c),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${this.url} answered ${response.status}`);
  }
}

/** Appends each command as a line to a file, once per id (a line with its id already: done). */
export class FileOutboxSink implements OutboxSink {
  readonly name: string;

  constructor(private readonly path: string) {
    this.name = path;
  }

  deliver(c: OutboxCommand): Promise<void> {
    if (existsSync(this.path)) {
      const seen = readFileSync(this.path, 'utf8')
        .split('\n')
        .some((l) => l !== '' && (JSON.parse(l) as { id?: string }).id === c.id);
      if (seen) return Promise.resolve();
    }
    appendFileSync(this.path, commandBody(c));
    return Promise.resolve();
  }
}

/** What one delivery run did. */
export interface DeliveryReport {
  readonly delivered: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

/**
 * Delivers every pending command, oldest first, recording each attempt (delivered, or the
 * error); a failed one stays pending for the next run. Delivery state is operational, not
 * evidence: the measure itself is the ledgered event that wrote the command.
 */
export async function deliverOutbox(
  deps: { store: Store; now: () => string },
  sink: OutboxSink,
): Promise<DeliveryReport> {
  const delivered: string[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const c of await deps.store.cases.outbox('pending')) {
    let result: { deliveredAt: string } | { error: string };
    try {
      await sink.deliver(c);
      result = { deliveredAt: deps.now() };
      delivered.push(c.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = { error: message };
      failed.push({ id: c.id, error: message });
    }
    const tx = await deps.store.begin();
    try {
      await tx.outboxAttempt(c.id, result);
      await tx.commit();
    } catch (error) {
      await tx.rollback();
      throw error;
    }
  }
  return { delivered, failed };
}
