import { readFileSync } from 'node:fs';
import pc from 'picocolors';
import {
  LedgerError,
  openNote,
  parseCheckpoint,
  verifyLedger,
  type VerifyReport,
} from '../../ledger/index.js';
import { SqliteStore, sqliteFault, type StoredCheckpoint } from '../../store/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { resolveDbPath } from '../paths.js';
import { stepBar } from '../progress.js';
import { resolveVerifierKey, type ReadWired } from '../read-only.js';
import { json, table } from '../render.js';

export interface VerifyFlags {
  readonly db?: string;
  readonly key?: string;
  readonly against?: string;
  readonly json?: boolean;
}

/**
 * `warden ledger verify`: reads only. The database is opened read-only and must exist; the
 * verifier key comes from `--key` or the database's key folder and is never created.
 */
export async function verifyCommand(o: VerifyFlags, io: Io): Promise<number> {
  const dbPath = resolveDbPath(o.db);
  const store = SqliteStore.open(dbPath, { readonly: true });
  try {
    const verifierKey = resolveVerifierKey(o.key, dbPath);
    const against = o.against === undefined ? undefined : readNote(o.against);
    const bar = stepBar('verify', await store.ledger.size(), 'leaves');
    let report: VerifyReport;
    try {
      report = await verifyLedger(store, verifierKey, {
        ...(against === undefined ? {} : { against }),
        onProgress: (leaves) => bar.update(leaves),
      });
    } finally {
      bar.stop();
    }
    io.out(o.json ? `${json(report)}\n` : renderVerify(report));
    return report.ok ? EXIT.ok : EXIT.finding;
  } catch (error) {
    throw sqliteFault(error, dbPath) ?? error;
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

export function readNote(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

function renderVerify(r: VerifyReport): string {
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
  return `${head}\n${facts}${problems}\n`;
}
