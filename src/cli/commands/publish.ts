import { statSync } from 'node:fs';
import pc from 'picocolors';
import {
  InputError,
  fileSource,
  parseRecord,
  readLines,
  type InputErrorCode,
  type InputIssue,
  type LineSource,
} from '../../ingest/index.js';
import { openJetStream, partitionKeyOf, type PublishedRecord } from '../../stream/index.js';
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

const CHUNK = 4096;
const ISSUES_KEPT = 50;

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
  const checks: FileCheck[] = [];
  for (const source of sources) checks.push(await validate(source, flags.skipInvalid ?? false));
  const stream = await openJetStream({
    url: resolveNatsUrl(flags.nats),
    stream: flags.stream ?? 'warden',
    create: true,
    ...(flags.partitionCount === undefined
      ? {}
      : { partitions: partitionCount(flags.partitionCount) }),
  });
  const rows = [];
  try {
    for (const [i, source] of sources.entries()) {
      const sent = await publishFile(source, (records) => stream.publish(records));
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

interface FileCheck {
  readonly rejected: number;
}

/** Reads the whole file and refuses it, naming each bad line, when any line is invalid. */
async function validate(source: LineSource, skipInvalid: boolean): Promise<FileCheck> {
  const issues: InputIssue[] = [];
  const byCode: Partial<Record<InputErrorCode, number>> = {};
  let rejected = 0;
  for await (const items of readLines(source.open(), source.name)) {
    for (const item of items) {
      const parsed = item.ok ? parseRecord(item.text) : item;
      if (parsed.ok) continue;
      const { ok: _ok, ...rest } = parsed;
      rejected++;
      byCode[rest.code] = (byCode[rest.code] ?? 0) + 1;
      if (issues.length < ISSUES_KEPT) issues.push({ file: source.name, line: item.no, ...rest });
    }
  }
  if (rejected > 0 && !skipInvalid)
    throw new InputError(
      'INVALID_RECORDS',
      `${source.name}: ${rejected} invalid record(s); nothing was published (use --skip-invalid to publish the valid ones)`,
      issues,
      { rejections: { rejected, byCode } },
    );
  return { rejected };
}

/** Publishes the file's valid records in file order, a chunk at a time. */
async function publishFile(
  source: LineSource,
  publish: (
    records: readonly PublishedRecord[],
  ) => Promise<{ events: number; directoryRecords: number; messages: number }>,
): Promise<{ events: number; directoryRecords: number; messages: number }> {
  const total = { events: 0, directoryRecords: 0, messages: 0 };
  let chunk: PublishedRecord[] = [];
  const flush = async (): Promise<void> => {
    const r = await publish(chunk);
    chunk = [];
    total.events += r.events;
    total.directoryRecords += r.directoryRecords;
    total.messages += r.messages;
  };
  for await (const items of readLines(source.open(), source.name)) {
    for (const item of items) {
      if (!item.ok) continue;
      const parsed = parseRecord(item.text);
      if (!parsed.ok) continue;
      const r = parsed.record;
      chunk.push({ line: item.text, event: r.kind === 'event', key: partitionKeyOf(r) });
      if (chunk.length >= CHUNK) await flush();
    }
  }
  if (chunk.length > 0) await flush();
  return total;
}
