/**
 * The witness over HTTP, as C2SP tlog-witness defines it: `POST <prefix>/add-checkpoint`.
 * A `node:http` request listener; the CLI (`warden witness serve`) binds it.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { WitnessError } from './errors.js';
import type { WitnessDir } from './witness-dir.js';
import { parseAddCheckpoint } from './witness-request.js';

/** A request body is an old size, up to 63 hashes and a checkpoint: 64 KiB is plenty. */
const MAX_BODY = 64 * 1024;

export function witnessHandler(dir: WitnessDir, logKeys: readonly string[]): RequestListener {
  return (req, res) => {
    void handle(dir, logKeys, req, res);
  };
}

async function handle(
  dir: WitnessDir,
  logKeys: readonly string[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    if (new URL(req.url ?? '/', 'http://witness').pathname !== '/add-checkpoint') {
      return answer(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
    if (req.method !== 'POST') return answer(res, 405, 'text/plain; charset=utf-8', 'POST only\n');
    const body = await readBody(req);
    const cosignature = await dir.cosign(parseAddCheckpoint(body), logKeys);
    answer(res, 200, 'text/plain; charset=utf-8', cosignature);
  } catch (error) {
    if (!(error instanceof WitnessError)) {
      return answer(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    }
    if (error.latestSize !== undefined) {
      return answer(res, 409, 'text/x.tlog.size', `${String(error.latestSize)}\n`);
    }
    answer(res, error.status, 'text/plain; charset=utf-8', `${error.message}\n`);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req) {
    length += (chunk as Buffer).length;
    if (length > MAX_BODY) throw new WitnessError('BAD_REQUEST', 'request body over 64 KiB');
    chunks.push(chunk as Buffer);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch (cause) {
    throw new WitnessError('BAD_REQUEST', 'request body is not UTF-8', { cause });
  }
}

function answer(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
