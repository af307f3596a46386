import {
  DetectionEngine,
  EMPTY_PROFILE,
  parseOrgProfile,
  type OrgProfile,
} from '../detect/index.js';
import { numberingSeed } from './commands/detect-state-mac.js';
import { readOrgFile } from './org-file.js';
import type { Wired } from './wiring.js';

/**
 * The org profile's `detection` section: from `--org FILE`, else `warden.org.json` beside the
 * database if it exists (`readOrgFile`, shared with ingest's `personalData`), else none
 * (everything is learned). A section that does not validate is `ORG_PROFILE_INVALID`.
 */
export function loadOrgProfile(dbPath: string, flag?: string): OrgProfile {
  const file = readOrgFile(dbPath, flag);
  return file === undefined ? EMPTY_PROFILE : parseOrgProfile(file.value, file.path);
}

/** A fresh detection engine seeded with the org profile that applies to this database. */
export function newEngine(w: Wired, org?: string): DetectionEngine {
  return new DetectionEngine(loadOrgProfile(w.dbPath, org), { seed: numberingSeed(w.stateKey) });
}
