import { randomBytes } from 'node:crypto';
import { connect } from 'nats';

/** The NATS server tests use: `WARDEN_TEST_NATS_URL`, else the local one (JetStream on). */
export const TEST_NATS_URL = process.env['WARDEN_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/**
 * A fresh stream name for this run, or why there is no server. With `CI=true` an unreachable
 * server (or one without JetStream) throws: the tests must not pass by skipping.
 */
export async function natsTestStream(): Promise<
  { url: string; stream: string } | { skip: string }
> {
  const reason = await unreachable();
  if (reason !== undefined) {
    const message = `NATS JetStream at ${TEST_NATS_URL} does not answer (${reason})`;
    if (process.env['CI'] === 'true')
      throw new Error(`${message}: CI needs it (.ci/ensure-nats starts it)`);
    // eslint-disable-next-line no-console -- a skip needs a written reason, where it is seen
    console.warn(`skipping the NATS tests: ${message}`);
    return { skip: message };
  }
  return { url: TEST_NATS_URL, stream: `t_${process.pid}_${randomBytes(3).toString('hex')}` };
}

/** Deletes the stream (and its consumers) if it exists. */
export async function deleteStream(stream: string): Promise<void> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Makes a stream with the given description (a layout of an earlier release, say). */
export async function makeStream(stream: string, description: string): Promise<void> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    await (
      await nc.jetstreamManager()
    ).streams.add({
      name: stream,
      subjects: [`${stream}.>`],
      description,
    });
  } finally {
    await nc.close();
  }
}

/** Deletes a durable consumer of the stream. */
export async function deleteConsumer(stream: string, name: string): Promise<void> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    await (await nc.jetstreamManager()).consumers.delete(stream, name);
  } finally {
    await nc.close();
  }
}

/** Whether the stream exists, and its message count. */
export async function streamMessages(stream: string): Promise<number | undefined> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream).catch(() => undefined);
    return info?.state.messages;
  } finally {
    await nc.close();
  }
}

async function unreachable(): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: TEST_NATS_URL, timeout: 3000 });
    try {
      await (await nc.jetstreamManager()).getAccountInfo();
      return undefined;
    } finally {
      await nc.close();
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The stream's messages after sequence number `after`, in order: subject and text. */
export async function streamMessagesAfter(
  stream: string,
  after: number,
): Promise<{ seq: number; subject: string; line: string }[]> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const out = [];
    for (let seq = after + 1; seq <= last; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      out.push({ seq, subject: m.subject, line: Buffer.from(m.data).toString('utf8') });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** The stream's last sequence number (0 when it holds none, or does not exist yet). */
export async function lastSeq(stream: string): Promise<number> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream).catch(() => undefined);
    return info?.state.last_seq ?? 0;
  } finally {
    await nc.close();
  }
}
