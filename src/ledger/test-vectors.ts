/**
 * Test-only access to the shared test vectors (`../shared/data`, see its SOURCES.md for
 * origins and licences). Imported by `*.test.ts` files only.
 *
 * Without the directory the vector suites are skipped with a printed reason, except in CI
 * (`CI` set), where a missing directory fails the run loudly.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute path of the shared data directory. */
export const SHARED_DATA_DIR = path.resolve(REPO_ROOT, '../shared/data');

/** Why the vector suites are skipped, or `undefined` when the data is there. */
export const vectorsMissing: string | undefined = existsSync(SHARED_DATA_DIR)
  ? undefined
  : `shared test vectors not found at ${SHARED_DATA_DIR}`;

if (vectorsMissing !== undefined) {
  if (process.env['CI'] !== undefined) {
    throw new Error(`${vectorsMissing}: CI must run the vector suites`);
  }
  process.emitWarning(`${vectorsMissing}; skipping the ledger vector suites`);
}

/** Parses one JSON file of the shared data directory. */
export function readVectors<T>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(SHARED_DATA_DIR, relativePath), 'utf8')) as T;
}

/** Every `.json` file under a directory, recursively, as paths relative to the data dir. */
export function listVectorFiles(relativeDir: string): string[] {
  if (vectorsMissing !== undefined) return [];
  const entries = readdirSync(path.join(SHARED_DATA_DIR, relativeDir), {
    recursive: true,
    withFileTypes: true,
  });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => path.relative(SHARED_DATA_DIR, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Bytes of a standard base64 vector value. */
export function b64(text: string): Buffer {
  return Buffer.from(text, 'base64');
}

/** Bytes of a hex vector value. */
export function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}
