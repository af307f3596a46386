import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  DetectionEngine,
  EMPTY_PROFILE,
  parseOrgProfile,
  type OrgProfile,
} from '../detect/index.js';
import { UsageError } from './exit.js';
import type { Wired } from './wiring.js';

/** The org profile's default name, looked for beside the database. */
export const ORG_FILE = 'warden.org.json';

/**
 * The org profile: `--org FILE`, else `warden.org.json` beside the database if it exists, else
 * none (everything is learned). A missing `--org` file or bad JSON is a usage error; a section
 * that does not validate is the detect context's `ORG_PROFILE_INVALID`.
 */
export function loadOrgProfile(dbPath: string, flag?: string): OrgProfile {
  const path = flag ?? join(dirname(dbPath), ORG_FILE);
  if (flag === undefined && !existsSync(path)) return EMPTY_PROFILE;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--org ${path}: cannot read the file; give the path of a warden.org.json`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not JSON (${(error as Error).message}); see docs/detection.md`);
  }
  return parseOrgProfile(value, path);
}

/** A fresh detection engine seeded with the org profile that applies to this database. */
export function newEngine(w: Wired, org?: string): DetectionEngine {
  return new DetectionEngine(loadOrgProfile(w.dbPath, org));
}
