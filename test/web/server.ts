import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { consoleDir } from '../../src/cli/console-dir.js';
import { wireReadOnly } from '../../src/cli/read-only.js';
import { serverDeps } from '../../src/cli/serve-wiring.js';
import { wire } from '../../src/cli/wiring.js';
import { buildApp } from '../../src/server/index.js';
import { GRANTS, directoryLines } from '../api/fixture.js';
import { runCli, tempDir } from '../helpers.js';

export interface ConsoleServer {
  readonly address: string;
  readonly app: FastifyInstance;
  readonly tokens: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * The API fixture's directory and grants (and `extra` records, each of `people` with a token),
 * served with the built console on a free port.
 */
export async function consoleServer(
  extra: readonly string[] = [],
  people: readonly string[] = [],
): Promise<ConsoleServer> {
  const web = consoleDir();
  if (web === undefined) throw new Error('dist/web is missing: run npm run build first');
  const dir = tempDir('warden-web-');
  const db = join(dir.path, 'warden.db');
  writeFileSync(join(dir.path, 'warden.org.json'), JSON.stringify({ api: { grants: GRANTS } }));
  const file = join(dir.path, 'directory.ndjson');
  writeFileSync(file, `${[...directoryLines(), ...extra].join('\n')}\n`);
  const seeded = await runCli(['ingest', file, '--db', db]);
  if (seeded.code !== 0) throw new Error(seeded.err);
  const tokens: Record<string, string> = {};
  for (const id of ['inv1', 'm1', 'm2', 'none1', ...people]) {
    const r = await runCli(['token', 'create', id, '--db', db, '--json']);
    tokens[id] = (JSON.parse(r.out) as { token: string }).token;
  }
  const w = await wire(db);
  const reader = await wireReadOnly(db);
  const app = await buildApp({
    ...(await serverDeps(w, reader, {})),
    logger: false,
    consoleDir: web,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    address,
    app,
    tokens,
    close: async () => {
      await app.close();
      await reader.close();
      await w.close();
      dir.cleanup();
    },
  };
}
