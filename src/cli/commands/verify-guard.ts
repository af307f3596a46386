import { existsSync, statSync } from 'node:fs';
import type { VerifyReport } from '../../ledger/index.js';
import { checkAliasIndex } from '../../guard/index.js';
import {
  MASTER_KEY_CHECK,
  PrivacyError,
  RelayAliases,
  Vault,
  masterKeyCheck,
  readMasterKey,
} from '../../privacy/index.js';
import type { Store } from '../../store/index.js';
import { keyFile, resolveKeyDir, resolveRelayDomain } from '../paths.js';

/** What the guard's index checks add to a verify report. */
export interface GuardIndexSummary {
  /** Alias hand-outs in the ledger that the `relay_aliases` index was held to. */
  readonly aliasHandOuts: number;
  /** Whether each alias was recomputed from the master key (else rows held to events only). */
  readonly aliasesRecomputed: boolean;
  /** Why aliases were not recomputed. */
  readonly note?: string;
}

/**
 * Adds the guard's alias-index cross-check to a verify report, reading only: the tables and
 * the ledger's events, and the master key where it can be read (`WARDEN_KEY`, the `--key`
 * folder, or the database's key folder; never created). Its problems join the report's.
 */
export async function verifyGuardIndexes<R extends VerifyReport>(
  store: Store,
  where: { readonly dbPath: string; readonly keyFlag?: string },
  report: R,
): Promise<R & { guard: GuardIndexSummary }> {
  const key = await masterKeyFor(store, where);
  const aliases = key.key && new RelayAliases(key.key, resolveRelayDomain());
  let checked: Awaited<ReturnType<typeof checkAliasIndex>>;
  try {
    checked = await checkAliasIndex(store, aliases);
  } catch (error) {
    // a record the ledger pass already found unreadable (edited JSON) can stop the index
    // check; the report fails on the ledger's own problems, and says this check did not run
    if (report.ok) throw error;
    const why = error instanceof Error ? error.message : String(error);
    return {
      ...report,
      guard: { aliasHandOuts: 0, aliasesRecomputed: false, note: `not checked: ${why}` },
    };
  }
  const guard: GuardIndexSummary = {
    aliasHandOuts: checked.checked,
    aliasesRecomputed: aliases !== undefined,
    ...(key.note === undefined ? {} : { note: key.note }),
  };
  if (checked.problems.length === 0) return { ...report, guard };
  // same shape as the ledger's problems; the codes are the guard's (ALIAS_INDEX_…)
  const problems = [
    ...report.problems,
    ...(checked.problems as unknown as VerifyReport['problems']),
  ];
  const first = Math.min(...checked.problems.map((p) => (p.index < 0 ? Infinity : p.index)));
  return {
    ...report,
    ok: false,
    problems,
    ...(report.firstBadIndex === undefined && Number.isFinite(first)
      ? { firstBadIndex: first }
      : {}),
    guard,
  };
}

/** The master key if it can be read and is the database's own; else why not. */
async function masterKeyFor(
  store: Store,
  where: { readonly dbPath: string; readonly keyFlag?: string },
): Promise<{ key?: Buffer; note?: string }> {
  const folder =
    where.keyFlag !== undefined &&
    existsSync(where.keyFlag) &&
    statSync(where.keyFlag).isDirectory()
      ? where.keyFlag
      : resolveKeyDir(where.dbPath);
  let key: Buffer;
  try {
    key = readMasterKey(keyFile(folder, 'master.key'));
  } catch (error) {
    if (error instanceof PrivacyError && error.code === 'KEY_MISSING') {
      return { note: 'no master key (WARDEN_KEY or master.key): aliases not recomputed' };
    }
    throw error;
  }
  const stored = await store.meta.get(MASTER_KEY_CHECK);
  const fits =
    stored === undefined
      ? new Vault(key, store.dataKeys).opensStoredKeys() !== false
      : stored === masterKeyCheck(key);
  if (!fits) return { note: 'the master key is not this database’s: aliases not recomputed' };
  return { key };
}
