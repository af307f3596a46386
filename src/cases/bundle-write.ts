import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../ledger/index.js';
import {
  BUNDLE_FILES,
  MANIFEST_FILE,
  manifestText,
  sha256Hex,
  type BundleProofs,
} from './bundle-format.js';
import { summaryHtml } from './bundle-html.js';
import { CaseError } from './errors.js';
import { caseOrThrow } from './guards.js';
import { caseEvent, record, type CaseDeps } from './record.js';
import { caseTimeline, type Timeline } from './timeline.js';

/** What exporting needs besides the cases context: the ledger key's signature. */
export interface ExportDeps extends CaseDeps {
  /** Signs a note's text with the ledger's key (C2SP signed note). */
  readonly signNote: (text: string) => string;
}

/** What an export wrote. */
export interface ExportResult {
  readonly dir: string;
  readonly caseId: string;
  readonly records: number;
  readonly treeSize: number;
  /** Hex SHA-256 of the signed manifest, as ledgered in the export's event. */
  readonly manifestSha256: string;
  readonly eventId: string;
}

/**
 * Writes a case's evidence bundle to a new folder: the events as stored, their inclusion
 * proofs, the signed checkpoint, the verifier key, the case, an HTML summary, and a manifest
 * of every file's SHA-256 signed with the ledger's key. The export is ledgered with the
 * manifest's hash. The case must be revealed: its records name the employees.
 */
export async function exportCase(
  deps: ExportDeps,
  caseId: string,
  actor: string,
  dir: string,
): Promise<ExportResult> {
  const found = await caseOrThrow(deps, caseId);
  if (found.revealedAt === undefined) {
    throw new CaseError(
      'NOT_REVEALED',
      `case ${caseId} is pseudonymous: its records name employees, so a bundle needs an approved reveal first (warden case reveal)`,
    );
  }
  assertEmptyTarget(dir);
  const timeline = await caseTimeline(deps, caseId, actor, 'export');
  const files = bundleFiles(timeline, deps.ledger.verifierKey(), deps.now());
  const hashes = new Map([...files].map(([name, text]) => [name, sha256Hex(Buffer.from(text))]));
  const manifest = deps.signNote(manifestText(caseId, hashes));
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, MANIFEST_FILE), manifest);
  const manifestSha256 = sha256Hex(Buffer.from(manifest));
  const event = caseEvent({
    actor,
    action: 'x-case.export',
    target: `case:${caseId}`,
    time: deps.now(),
    attrs: { manifestSha256, records: timeline.entries.length, treeSize: timeline.treeSize },
  });
  await record(deps, event);
  return {
    dir,
    caseId,
    records: timeline.entries.length,
    treeSize: timeline.treeSize,
    manifestSha256,
    eventId: event.id,
  };
}

function assertEmptyTarget(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CaseError(
      'INPUT_INVALID',
      `--out ${dir} exists and is not empty: choose a new folder`,
    );
  }
}

function bundleFiles(t: Timeline, verifierKey: string, exportedAt: string): Map<string, string> {
  const proofs: BundleProofs = {
    treeSize: t.treeSize,
    rootHash: t.rootHash,
    proofs: t.entries.map((e) => ({ leaf: e.leaf, leafHash: e.leafHash, proof: e.proof })),
  };
  const records = t.raw.map((r) => `${canonicalJson({ leaf: r.leaf, event: r.event })}\n`).join('');
  return new Map([
    [BUNDLE_FILES.records, records],
    [BUNDLE_FILES.proofs, `${JSON.stringify(proofs, null, 2)}\n`],
    [BUNDLE_FILES.checkpoint, t.checkpoint],
    [BUNDLE_FILES.key, `${verifierKey}\n`],
    [BUNDLE_FILES.case, `${JSON.stringify(t.view, null, 2)}\n`],
    [BUNDLE_FILES.summary, summaryHtml(t, exportedAt)],
  ]);
}
