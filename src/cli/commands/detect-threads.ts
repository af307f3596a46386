import { existsSync } from 'node:fs';
import { SqliteStore, type Store } from '../../store/index.js';

/**
 * The store a detection thread (the feed's, the directory part's, the engine's) can open a
 * connection of its own to, or undefined: only a SQLite file (another connection to an
 * in-memory database would open another, empty, database), and only from the compiled build,
 * where the thread's `workerFile` exists (TypeScript sources run everything on one thread).
 */
export function threadableStore(store: Store, workerFile: string): SqliteStore | undefined {
  if (!(store instanceof SqliteStore)) return undefined;
  const path = store.path;
  if (path === '' || path.startsWith(':memory:') || path.startsWith('file:')) return undefined;
  return existsSync(workerFile) ? store : undefined;
}
