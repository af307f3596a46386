import { createHash } from 'node:crypto';

/** The first line of a bundle's manifest: what it is, and the version of this layout. */
export const MANIFEST_HEADER = 'warden evidence bundle v1';
/** The signed manifest: every other file's SHA-256. */
export const MANIFEST_FILE = 'manifest.txt';

/** The files of a bundle besides the manifest. */
export const BUNDLE_FILES = {
  records: 'records.ndjson',
  proofs: 'proofs.json',
  checkpoint: 'checkpoint.txt',
  key: 'verifier.key',
  case: 'case.json',
  summary: 'summary.html',
} as const;

/** One line of `records.ndjson`: an event exactly as the ledger holds it, and its leaf. */
export interface BundleRecord {
  readonly leaf: number;
  readonly event: Record<string, unknown>;
}

/** `proofs.json`: each record's leaf hash and audit path to the checkpoint's root. */
export interface BundleProofs {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly proofs: readonly { leaf: number; leafHash: string; proof: readonly string[] }[];
}

/** Hex SHA-256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The manifest's text (C2SP signed-note body): the header, the case id, then one line per
 * file, `<hex sha256> <name>`, sorted by name. It cannot parse as a checkpoint (its second
 * line is not a tree size), so a manifest signature is never mistaken for a checkpoint's.
 */
export function manifestText(caseId: string, files: ReadonlyMap<string, string>): string {
  const lines = [...files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, hash]) => `${hash} ${name}`);
  return `${MANIFEST_HEADER}\ncase ${caseId}\n${lines.join('\n')}\n`;
}

/** The manifest's case id and file hashes; undefined when the text is not a manifest. */
export function parseManifest(
  text: string,
): { caseId: string; files: Map<string, string> } | undefined {
  const lines = text.split('\n');
  if (lines[0] !== MANIFEST_HEADER || lines.at(-1) !== '') return undefined;
  const caseLine = /^case (\S+)$/.exec(lines[1] ?? '');
  if (!caseLine) return undefined;
  const files = new Map<string, string>();
  for (const line of lines.slice(2, -1)) {
    const m = /^([0-9a-f]{64}) ([A-Za-z0-9._-]+)$/.exec(line);
    if (!m || files.has(m[2]!)) return undefined;
    files.set(m[2]!, m[1]!);
  }
  return { caseId: caseLine[1]!, files };
}
