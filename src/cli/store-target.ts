import {
  SqliteStore,
  loadPostgresStore,
  parsePgUrl,
  pgFault,
  sqliteFault,
  type Store,
  type StoreError,
} from '../store/index.js';
import { UsageError } from './exit.js';
import { resolveDbPath, resolveKeyDir } from './paths.js';

/** Where a command's data lives: a SQLite file, or a schema on a PostgreSQL server. */
export type StoreTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly label: string };

/** `--pg` as given to the running command (a program-wide flag, set before each command). */
let pgFlag: string | undefined;

/** Records the program-wide `--pg URL` for the command about to run (undefined: none). */
export function selectPg(url: string | undefined): void {
  pgFlag = url;
}

/**
 * Refuses `--pg` and `--db` on one command line (a usage error, exit 2): each names where the
 * data lives, and quietly taking one would write to, or report on, a store the caller did not
 * mean. The environment (`WARDEN_PG_URL`, `WARDEN_DB`) still yields to a flag.
 */
export function refuseTwoStores(pgUrl: string | undefined, dbGiven: boolean): void {
  if (pgUrl !== undefined && dbGiven) {
    throw new UsageError(
      '--pg and --db both name a store: give one (--pg URL for PostgreSQL, --db PATH for a SQLite file)',
    );
  }
}

/**
 * Flags before the environment: `--pg URL` (never with `--db`: `refuseTwoStores`), else `--db PATH`, else `WARDEN_PG_URL`, else
 * `WARDEN_DB`, else `./warden.db`. A bad PostgreSQL URL is a usage error (exit 2).
 */
export function resolveStoreTarget(
  dbFlag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): StoreTarget {
  const fromEnv = env['WARDEN_PG_URL'];
  const url = pgFlag ?? (dbFlag === undefined && fromEnv !== '' ? fromEnv : undefined);
  if (url === undefined) return { kind: 'sqlite', path: resolveDbPath(dbFlag, env) };
  try {
    return { kind: 'postgres', url, label: parsePgUrl(url).label };
  } catch (error) {
    const from = pgFlag === undefined ? 'WARDEN_PG_URL' : '--pg';
    throw new UsageError(`${from}: ${(error as Error).message}`);
  }
}

/** What messages and the findings' cache name the store by: the file, or the URL without password. */
export function targetLabel(t: StoreTarget): string {
  return t.kind === 'sqlite' ? t.path : t.label;
}

/**
 * The key folder: beside a SQLite file by default; for PostgreSQL there is no "beside", so
 * `WARDEN_KEY_DIR` must say where (keys never live in the database they protect).
 */
export function resolveTargetKeyDir(t: StoreTarget, env: NodeJS.ProcessEnv = process.env): string {
  if (t.kind === 'sqlite') return resolveKeyDir(t.path, env);
  const dir = env['WARDEN_KEY_DIR'];
  if (dir === undefined || dir === '') {
    throw new UsageError(
      `with PostgreSQL (${t.label}) set WARDEN_KEY_DIR to the folder of the store's keys: keys never live in the database they protect`,
    );
  }
  return dir;
}

export interface OpenOptions {
  readonly now?: () => string;
  readonly readonly?: boolean;
  readonly maxPages?: number;
}

/** Opens the target's store (a SQLite file, or a PostgreSQL schema, migrated unless read-only). */
export async function openStore(t: StoreTarget, o: OpenOptions = {}): Promise<Store> {
  if (t.kind === 'postgres') {
    return (await loadPostgresStore()).open(t.url, {
      ...(o.now ? { now: o.now } : {}),
      ...(o.readonly === true ? { readonly: true } : {}),
    });
  }
  return SqliteStore.open(t.path, {
    ...(o.now ? { now: o.now } : {}),
    ...(o.readonly === true ? { readonly: true } : {}),
    ...(o.maxPages ? { maxPages: o.maxPages } : {}),
  });
}

/** Does the PostgreSQL schema hold a store already? (SQLite's files are checked by the caller.) */
export async function postgresStoreExists(t: StoreTarget & { kind: 'postgres' }): Promise<boolean> {
  return (await loadPostgresStore()).exists(t.url);
}

/** The store's typed error for a SQLite or PostgreSQL failure anywhere in `error`'s causes. */
export function storeFault(error: unknown, where: string): StoreError | undefined {
  return sqliteFault(error, where) ?? pgFault(error, where);
}
