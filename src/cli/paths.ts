import { UsageError } from './exit.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

export function keyFile(
  dir: string,
  name: 'master.key' | 'ledger.key' | 'checkpoints.log' | 'cosigned.log',
): string {
  return join(dir, name);
}

/** Where checkpoints go outside the database, besides `<keydir>/checkpoints.log`. */
export interface CheckpointTargets {
  /** `WARDEN_CHECKPOINT_DIR`: one file per checkpoint. */
  readonly dir?: string;
  /** `WARDEN_CHECKPOINT_URL`: each note POSTed. */
  readonly url?: string;
}

export function resolveCheckpointTargets(env: NodeJS.ProcessEnv = process.env): CheckpointTargets {
  const dir = env['WARDEN_CHECKPOINT_DIR'];
  const url = env['WARDEN_CHECKPOINT_URL'];
  return {
    ...(dir !== undefined && dir !== '' ? { dir } : {}),
    ...(url !== undefined && url !== '' ? { url } : {}),
  };
}

/**
 * The Cedar policies: `--policies`, else `WARDEN_POLICIES`, else the set shipped with Warden
 * (`policies/` in the package, found from this file whether it runs from source or build).
 */
export function resolvePolicyDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (flag !== undefined) return flag;
  const fromEnv = env['WARDEN_POLICIES'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'policies', 'warden.cedarschema'))) return join(dir, 'policies');
  }
  return join(process.cwd(), 'policies');
}

/** The marketplace mail relay's domain for reviewer aliases (`WARDEN_RELAY_DOMAIN`). */
export function resolveRelayDomain(env: NodeJS.ProcessEnv = process.env): string {
  const d = env['WARDEN_RELAY_DOMAIN'];
  return d !== undefined && d !== '' ? d : 'relay.marketplace.example';
}

/**
 * A cap on the database's size in SQLite pages (`WARDEN_MAX_DB_PAGES`, pages of 32 KiB): a
 * quota, so that a runaway import fails with `DISK_FULL` before the disk does. Unset: no cap.
 */
export function resolveMaxPages(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env['WARDEN_MAX_DB_PAGES'];
  if (text === undefined || text === '') return undefined;
  const pages = Number(text);
  if (!Number.isSafeInteger(pages) || pages < 1) {
    throw new UsageError(`WARDEN_MAX_DB_PAGES must be a whole number of pages, got "${text}"`);
  }
  return pages;
}
