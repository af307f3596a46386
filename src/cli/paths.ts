import { join } from 'node:path';

/** Where a command's data lives: `--db`, else `WARDEN_DB`, else `./warden.db`. */
export function resolveDbPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return (
    flag ??
    (env['WARDEN_DB'] !== undefined && env['WARDEN_DB'] !== '' ? env['WARDEN_DB'] : './warden.db')
  );
}

/**
 * Keys live outside the database: `WARDEN_KEY_DIR`, else a folder beside it
 * (`warden.db.keys/`), created with mode 0700 on first run.
 */
export function resolveKeyDir(dbPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['WARDEN_KEY_DIR'];
  return dir !== undefined && dir !== '' ? dir : `${dbPath}.keys`;
}

export function keyFile(dir: string, name: 'master.key' | 'ledger.key'): string {
  return join(dir, name);
}
