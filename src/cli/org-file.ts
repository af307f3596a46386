import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './exit.js';

/** The org profile file as read: each context validates only its own section of `value`. */
export interface OrgFile {
  readonly path: string;
  readonly text: string;
  readonly value: unknown;
}

export const ORG_FILE_NAME = 'warden.org.json';

/**
 * The optional org profile: `--org FILE`, else `warden.org.json` beside the database, else
 * none. A file that is named but missing, or is not JSON, is a usage error naming it (and the
 * line, for bad JSON).
 */
export function readOrgFile(dbPath: string, flag: string | undefined): OrgFile | undefined {
  const path = flag ?? join(dirname(dbPath), ORG_FILE_NAME);
  if (flag === undefined && !existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--org ${path}: no such file (or it cannot be read)`);
  }
  try {
    return { path, text, value: JSON.parse(text) as unknown };
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    const line = at === undefined ? 1 : text.slice(0, Number(at)).split('\n').length;
    throw new UsageError(`${path}:${line}: not JSON (${(error as Error).message}); fix the file`);
  }
}
