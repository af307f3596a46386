import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ServerError } from './errors.js';

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

// The console talks only to this origin; nothing inline runs, nothing frames it.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** A built asset's name: Vite's hashed names, never a path. */
const ASSET_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.[a-z0-9]+$/;

/**
 * The web console's static files (`vite build web`), served from the API's own origin so the
 * console needs no CORS: `/` is its page, `/assets/NAME` its hashed files. They need no
 * credential — the console holds none until someone signs in, and every datum it shows comes
 * from the guarded `/v1` routes.
 */
export function registerConsole(app: FastifyInstance, dir: string): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) throw new Error(`the console's ${index} is missing (npm run build)`);
  const page = readFileSync(index);
  const options = { config: { public: true }, schema: { hide: true } };
  app.get('/', options, (_request, reply) =>
    secure(reply).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page),
  );
  app.get<{ Params: { name: string } }>('/assets/:name', options, (request, reply) => {
    const name = request.params.name;
    const type = TYPES[extname(name)];
    const file = join(dir, 'assets', name);
    if (!ASSET_NAME.test(name) || type === undefined || !existsSync(file))
      throw new ServerError('NOT_FOUND', 'no such console asset');
    return secure(reply)
      .type(type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(readFileSync(file));
  });
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}
