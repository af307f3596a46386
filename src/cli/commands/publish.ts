import { statSync } from 'node:fs';
import pc from 'picocolors';
import {
  InputError,
  fileSource,
  readValidLines,
  validateSource,
  type LineSource,
  type SourceCheck,
} from '../../ingest/index.js';
import { openJetStream, publishRecords, type JetStreamOptions } from '../../stream/index.js';
import type { Io } from '../io.js';
import { resolveNatsUrl } from '../partitions.js';
import { json, table } from '../render.js';
import { UsageError } from '../exit.js';

export interface PublishFlags {
  readonly nats?: string;
  readonly stream?: string;
  readonly partitionCount?: string;
  readonly skipInvalid?: boolean;
  readonly json?: boolean;
}

/**
 * `warden ingest --publish FILE...`: every file is read and validated first, by the rules
 * `warden ingest` applies (a file with an invalid line is refused whole unless
 * `--skip-invalid`), and only then are the files' records published, in order, to the
 * event stream: nothing of a refused file reaches the stream.
 */
export async function publishCommand(
  files: string[],
  flags: PublishFlags,
  io: Io,
): Promise<number> {
  if (files.includes('-'))
    throw new UsageError('--publish reads files, not stdin (-): it reads each file twice');
  const sources = files.map(openFile);
  const checks: SourceCheck[] = [];
  for (const source of sources)
    checks.push(await validateSource(source, flags.skipInvalid ?? false));
  const stream = await openJetStream(publishTarget(flags));
  const rows = [];
  try {
    for (const [i, source] of sources.entries()) {
      const sent = await publishRecords(stream, readValidLines(source));
      rows.push({ source: source.name, ...sent, rejected: checks[i]!.rejected });
    }
  } finally {
    await stream.close();
  }
  if (flags.json)
    io.out(
      `${json({ stream: flags.stream ?? 'warden', partitions: stream.partitions, files: rows })}\n`,
    );
  else
    io.out(
      `${pc.green('✔')} published to stream ${flags.stream ?? 'warden'} (${stream.partitions} partitions)\n${table(
        ['file', 'events', 'directory records', 'messages', 'rejected'],
        rows.map((r) => [r.source, r.events, r.directoryRecords, r.messages, r.rejected]),
      )}\n`,
    );
  return 0;
}

/**
 * Where `--publish` sends (`ingest --publish`, `serve --publish`): `--nats` or
 * `WARDEN_NATS_URL`, `--stream` (default `warden`), made when missing with
 * `--partition-count` partitions (default 4; an existing stream's count must match).
 */
export function publishTarget(
  flags: Pick<PublishFlags, 'nats' | 'stream' | 'partitionCount'>,
  env: NodeJS.ProcessEnv = process.env,
): JetStreamOptions {
  return {
    url: resolveNatsUrl(flags.nats, env),
    stream: flags.stream ?? 'warden',
    create: true,
    ...(flags.partitionCount === undefined
      ? {}
      : { partitions: partitionCount(flags.partitionCount) }),
  };
}

function partitionCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024)
    throw new UsageError(`--partition-count ${text}: a whole number from 1 to 1024`);
  return n;
}

function openFile(file: string): LineSource {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    return fileSource(file, st.size);
  } catch (cause) {
    throw new InputError('FILE_NOT_FOUND', `${file}: no such file (or not a regular file)`, [], {
      cause,
    });
  }
}
