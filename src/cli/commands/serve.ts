import type { EventEmitter } from 'node:events';
import { buildApp, type FindingsPort, type Limits } from '../../server/index.js';
import { consoleDir } from '../console-dir.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { wireReadOnly } from '../read-only.js';
import { serverDeps } from '../serve-wiring.js';
import type { Wired } from '../wiring.js';
import { openJetStream, StreamError, StreamPublisher } from '../../stream/index.js';
import { publishTarget } from './publish.js';
import { wholeNumber } from '../read-input.js';

export interface ServeFlags {
  readonly port?: string;
  readonly host?: string;
  readonly org?: string;
  /** pino's level (default info); `silent` for none. */
  readonly logLevel?: string;
  /** `POST /v1/ingest` publishes to the event stream instead of importing (with the next three). */
  readonly publish?: boolean;
  readonly nats?: string;
  readonly stream?: string;
  readonly partitionCount?: string;
}

export interface ServeOptions {
  /** Where SIGINT and SIGTERM come from (the process; tests pass their own). */
  readonly signals?: EventEmitter;
  readonly env?: NodeJS.ProcessEnv;
  readonly limits?: Partial<Limits>;
  /** Called once the server listens, with its address. */
  readonly onListening?: (address: string) => void;
}

/**
 * `warden serve`: the HTTP API on 127.0.0.1 (default) until SIGINT or SIGTERM. Shutting down
 * refuses new requests, lets in-flight ones finish (a batch streaming in lands whole, or with
 * `--publish` is published whole and acknowledged), then drains the NATS connection and
 * closes the database.
 */
export async function serveCommand(
  w: Wired,
  flags: ServeFlags,
  io: Io,
  options: ServeOptions = {},
): Promise<number> {
  const signals = options.signals ?? process;
  const publisher = await publisherOf(flags, io, options.env);
  const reader = await wireReadOnly(w.dbPath).catch(async (error: unknown) => {
    await publisher?.close();
    throw error;
  });
  try {
    const deps = await serverDeps(w, reader, flags, options.env);
    await bringFindingsUp(deps.findings, io);
    const web = consoleDir();
    const app = await buildApp({
      ...deps,
      ...(publisher === undefined ? {} : { publisher }),
      ...(web === undefined ? {} : { consoleDir: web }),
      logger: { level: flags.logLevel ?? 'info' },
      ...(options.limits ? { limits: options.limits } : {}),
    });
    let stop: (signal: string) => void = () => {};
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    signals.once('SIGINT', onInt);
    signals.once('SIGTERM', onTerm);
    const port = wholeNumber(flags.port ?? '8080', '--port');
    const host = flags.host ?? '127.0.0.1';
    const address = await app.listen({ port, host }).catch(async (error: unknown) => {
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
      await app.close();
      throw listenProblem(error, host, port);
    });
    if (deps.access.grants.length === 0) {
      io.err(
        'warden: the org profile grants no API scopes: every data route refuses (docs/api.md, "Access")\n',
      );
    }
    io.out(`warden API on ${address} (OpenAPI at ${address}/docs)\n`);
    if (publisher !== undefined)
      io.out(`POST /v1/ingest publishes to stream ${publisher.stream} (NATS JetStream)\n`);
    if (web !== undefined) io.out(`web console at ${address}/\n`);
    options.onListening?.(address);
    const signal = await stopped;
    signals.off('SIGINT', onInt);
    signals.off('SIGTERM', onTerm);
    io.err(`warden: ${signal}: finishing in-flight requests\n`);
    await app.close();
    return EXIT.ok;
  } finally {
    await publisher?.close(); // after the app: its in-flight publishes are acknowledged first
    await reader.close();
  }
}

/**
 * `--publish`: the stream, opened now so that a wrong layout stops the start (`LAYOUT_MISMATCH`);
 * a NATS server that does not answer yet only warns: each batch tries again, and answers
 * `503 STREAM_UNAVAILABLE` while it is down.
 */
async function publisherOf(
  flags: ServeFlags,
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StreamPublisher | undefined> {
  if (!flags.publish) {
    const stray = (['nats', 'stream', 'partitionCount'] as const).filter(
      (f) => flags[f] !== undefined,
    );
    if (stray.length > 0)
      throw new UsageError(
        `--${stray[0] === 'partitionCount' ? 'partition-count' : stray[0]} goes with --publish`,
      );
    return undefined;
  }
  const target = publishTarget(flags, env);
  const publisher = new StreamPublisher(target.stream, () => openJetStream(target));
  try {
    await publisher.connect();
  } catch (error) {
    if (!(error instanceof StreamError && error.code === 'UNREACHABLE')) {
      await publisher.close();
      throw error;
    }
    io.err(
      `warden: the event stream does not answer yet (${error.message}); ingest answers 503 STREAM_UNAVAILABLE until it does\n`,
    );
  }
  return publisher;
}

/**
 * Detection brought up to the ledger's end before the server takes requests, so that the
 * console's first view reads stored findings instead of waiting for a catch-up (restoring the
 * saved engine, feeding it, saving findings and state: most of a second on the medium demo).
 * Opening the guard may just have moved the ledger's end, by ledgering a new database's first
 * policy set. The findings stay as fresh as before: each request still checks them against
 * the ledger's size and catches up when it has grown — feeding the engine restored here,
 * kept warm, only the leaves appended since (`DetectionCatchUp`).
 */
async function bringFindingsUp(findings: FindingsPort, io: Io): Promise<void> {
  io.err('warden: bringing the findings up to the ledger’s end before listening…\n');
  if (findings.warmUp) await findings.warmUp();
  else await findings.findings();
}

/** A listen failure a person can act on (a taken or forbidden port, an address not here). */
function listenProblem(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new UsageError(`${where} is already in use: pick another port with --port N`);
  if (code === 'EACCES')
    return new UsageError(
      `${where} needs privileges to listen on: pick a port above 1023 with --port N`,
    );
  if (code === 'EADDRNOTAVAIL')
    return new UsageError(`${host} is not an address of this machine: pass another with --host H`);
  return error;
}
