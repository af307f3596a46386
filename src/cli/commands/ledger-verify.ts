import pc from 'picocolors';
import {
  LedgerError,
  openNote,
  parseCheckpoint,
  storedTree,
  verifyLedger,
  type VerifyReport,
} from '../../ledger/index.js';
import type { StoredCheckpoint } from '../../store/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import {
  openStore,
  resolveStoreTarget,
  resolveTargetKeyDir,
  storeFault,
  targetLabel,
} from '../store-target.js';
import { verifyOutside, type OutsideOptions, type OutsideSummary } from './verify-outside.js';
import { verifyGuardIndexes, type GuardIndexSummary } from './verify-guard.js';
import { verifyCaseIndexes } from './verify-cases.js';
import { stepBar } from '../progress.js';
import { resolveVerifierKey, type ReadWired } from '../read-only.js';
import { json, table } from '../render.js';

export interface VerifyFlags extends OutsideOptions {
  readonly db?: string;
  readonly key?: string;
  readonly json?: boolean;
}

/**
 * `warden ledger verify`: reads only. The database is opened read-only and must exist; the
 * verifier key comes from `--key` or the database's key folder and is never created.
 */
export async function verifyCommand(o: VerifyFlags, io: Io): Promise<number> {
  const target = resolveStoreTarget(o.db);
  const dbPath = targetLabel(target);
  const keyDir = resolveTargetKeyDir(target);
  const store = await openStore(target, { readonly: true });
  try {
    const verifierKey = resolveVerifierKey(o.key, dbPath);
    const bar = stepBar('verify', await store.ledger.size(), 'leaves');
    let inside: VerifyReport;
    try {
      inside = await verifyLedger(store, verifierKey, {
        onProgress: (leaves) => bar.update(leaves),
      });
    } finally {
      bar.stop();
    }
    // then the checkpoints kept outside the database (--against) and witnesses' cosignatures
    const outside = await verifyOutside(
      await storedTree(store),
      { keyDir, verifierKey },
      inside,
      o,
    );
    // and the guard's indexes held to the ledger's events (the relay-alias index)
    const guarded = await verifyGuardIndexes(
      store,
      { dbPath, ...(o.key === undefined ? {} : { keyFlag: o.key }) },
      outside,
    );
    // and the case tables (cases, employee_access, outbox) held to the x-case.* events
    const report = await verifyCaseIndexes(store, guarded);
    io.out(o.json ? `${json(report)}\n` : renderVerify(report));
    return report.ok ? EXIT.ok : EXIT.finding;
  } catch (error) {
    throw storeFault(error, dbPath) ?? error;
  } finally {
    await store.close();
  }
}

/**
 * The newest stored checkpoint, if it is the signed head: signed by the ledger key, of the
 * ledger's size and root. Otherwise `HEAD_NOT_SIGNED` (exit 1): handing out an older
 * checkpoint as the head would let a rewritten or truncated log pass outside checks.
 */
export async function signedHead(w: ReadWired): Promise<StoredCheckpoint> {
  const cp = await w.store.ledger.latestCheckpoint();
  if (!cp) {
    if (w.ledger.size > 0)
      throw unsigned(`no checkpoint is stored, the ledger holds ${w.ledger.size} leaves`);
    throw new UsageError(
      'the ledger has no checkpoint yet: ingest something or run `warden ledger checkpoint`',
    );
  }
  const body = parseCheckpoint(openNote(cp.note, [w.ledger.verifierKey()]).text);
  const size = Number(body.size);
  if (size !== w.ledger.size) {
    throw unsigned(
      `the newest stored checkpoint covers ${size} leaves, the ledger holds ${w.ledger.size}`,
    );
  }
  if (!body.rootHash.equals(w.ledger.root())) {
    throw unsigned(`the newest stored checkpoint signs another root than the stored tiles give`);
  }
  return cp;
}

function unsigned(what: string): LedgerError {
  return new LedgerError(
    'HEAD_NOT_SIGNED',
    `${what}: no signed head to export. Run \`warden ledger verify\`; sign the head with \`warden ledger checkpoint\` only once the records are known to be genuine`,
  );
}

function renderVerify(
  r: VerifyReport & { outside?: OutsideSummary; guard?: GuardIndexSummary },
): string {
  const head = r.ok
    ? `${pc.green('✔ ledger verified')}: ${r.size.toLocaleString('en-US')} leaves, root ${r.rootHash}`
    : `${pc.red('✘ ledger does not verify')}: first difference at index ${r.firstBadIndex ?? '?'}`;
  const facts = table(
    ['records recomputed', 'tiles compared', 'checkpoints checked', 'signed head'],
    [[r.recordsChecked, r.tilesChecked, r.checkpointsChecked, r.signedSize]],
  );
  const problems =
    r.problems.length === 0
      ? ''
      : `\n${table(
          ['index', 'problem', 'detail'],
          r.problems.map((p) => [p.index, p.code, p.message]),
        )}`;
  return `${head}\n${facts}${renderOutside(r.outside)}${renderGuard(r.guard)}${problems}\n`;
}

function renderOutside(o: OutsideSummary | undefined): string {
  if (o === undefined) return '';
  const first =
    o.firstDisagreeing === undefined ? '' : `; first that disagrees: ${o.firstDisagreeing}`;
  const witnessed =
    o.witnessedSize === undefined
      ? ''
      : `; cosigned by the witnesses up to size ${o.witnessedSize}`;
  return `\noutside checkpoints checked: ${o.checked}${first}${witnessed}`;
}

function renderGuard(g: GuardIndexSummary | undefined): string {
  if (g === undefined) return '';
  const note = g.note === undefined ? '' : ` (${g.note})`;
  return `\nrelay-alias hand-outs cross-checked: ${g.aliasHandOuts}${note}`;
}
