import type Database from 'better-sqlite3';

/**
 * Whether a table exists. A database read as it is (read-only commands never migrate) may
 * predate a migration, or stop before one when a first run was killed between two.
 */
export function hasTable(db: Database.Database, name: string): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
    undefined
  );
}
