import { canaryTargets, readCanaries } from '../attribute/index.js';
import type { Wired } from './wiring.js';

/** The planted canaries detection watches on this database. */
export interface CanaryWatch {
  /** Their records as `type:id` keys, handed to the engine as data (never saved with it). */
  readonly targets: readonly string[];
  /** What the saved detection state's version adds: a digest of the sealed list (none: `none`). */
  readonly version: string;
}

/**
 * Reads the sealed canary list for detection (detect cannot import attribute: the CLI passes
 * the set in). The digest joins the saved state's version, so planting more canaries replays
 * the ledger once instead of resuming an engine that never watched them.
 */
export async function canaryWatch(w: Pick<Wired, 'store' | 'vault'>): Promise<CanaryWatch> {
  const list = await readCanaries(w.store, w.vault);
  return { targets: canaryTargets(list.canaries), version: `canaries ${list.digest}` };
}
