import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessEvent } from '../domain/index.js';
import {
  openCheckpoint,
  openNote,
  parseVerifierKey,
  recordLeafHash,
  verifyInclusion,
} from '../ledger/index.js';
import {
  BUNDLE_FILES,
  MANIFEST_FILE,
  parseManifest,
  sha256Hex,
  type BundleProofs,
  type BundleRecord,
} from './bundle-format.js';
import { CaseError } from './errors.js';

/** What `warden evidence verify` found. */
export interface BundleReport {
  readonly ok: boolean;
  readonly caseId?: string;
  /** The key that signed the manifest and checkpoint (`name+keyid`), to compare with the log's. */
  readonly signedBy?: string;
  /** Whether the key was pinned by the caller (`--key`) or taken from the bundle itself. */
  readonly keyFrom: 'pinned' | 'bundle';
  readonly records: number;
  readonly treeSize?: number;
  readonly problems: readonly string[];
}

/**
 * Checks an evidence bundle offline, with no database: the manifest's signature by the
 * verifier key; that the folder holds exactly the manifest's files, each with its SHA-256
 * (any changed, added or missing byte fails); the checkpoint's signature; and every record's
 * inclusion proof against the checkpoint's root (RFC 9162 §2.1.3.2). A bundle checked with
 * its own key proves only that it is whole: pin the log's published key (`pinnedKey`) to
 * prove it came from that log.
 */
export function verifyBundle(dir: string, pinnedKey?: string): BundleReport {
  assertFolder(dir);
  const problems: string[] = [];
  const keyText = pinnedKey ?? readText(dir, BUNDLE_FILES.key, problems)?.trim();
  const keyFrom = pinnedKey === undefined ? 'bundle' : 'pinned';
  const key = keyText === undefined ? undefined : verifierOf(keyText, problems);
  if (key === undefined) return { ok: false, keyFrom, records: 0, problems };
  const manifest = openManifest(dir, key.text, problems);
  if (!manifest) return { ok: false, keyFrom, records: 0, problems, signedBy: key.name };
  checkFiles(dir, manifest.files, problems);
  const proved = problems.length === 0 ? checkProofs(dir, key.text, problems) : undefined;
  return {
    ok: problems.length === 0,
    caseId: manifest.caseId,
    signedBy: key.name,
    keyFrom,
    records: proved?.records ?? 0,
    ...(proved ? { treeSize: proved.treeSize } : {}),
    problems,
  };
}

function assertFolder(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
  } catch (cause) {
    throw new CaseError('BUNDLE_UNREADABLE', `cannot read the bundle folder ${dir}`, { cause });
  }
  throw new CaseError('BUNDLE_UNREADABLE', `${dir} is not a folder`);
}

function readText(dir: string, name: string, problems: string[]): string | undefined {
  try {
    return readFileSync(join(dir, name), 'utf8');
  } catch {
    problems.push(`${name}: missing or unreadable`);
    return undefined;
  }
}

function verifierOf(text: string, problems: string[]): { text: string; name: string } | undefined {
  try {
    const v = parseVerifierKey(text);
    return { text, name: `${v.name}+${v.keyId.toString(16).padStart(8, '0')}` };
  } catch {
    problems.push(`${BUNDLE_FILES.key}: not a verifier key`);
    return undefined;
  }
}

/** The manifest, exactly as signed: one signature by the key and not a byte more. */
function openManifest(
  dir: string,
  key: string,
  problems: string[],
): ReturnType<typeof parseManifest> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, MANIFEST_FILE));
  } catch {
    problems.push(`${MANIFEST_FILE}: missing or unreadable`);
    return undefined;
  }
  try {
    const opened = openNote(bytes, [key]);
    const sig = opened.verified[0];
    const exact = `${opened.text}\n\u2014 ${sig?.name} ${sig?.base64}\n`;
    if (opened.unverified.length > 0 || Buffer.compare(Buffer.from(exact), bytes) !== 0) {
      problems.push(`${MANIFEST_FILE}: carries more than the one signature by the key`);
      return undefined;
    }
    const parsed = parseManifest(opened.text);
    if (!parsed) problems.push(`${MANIFEST_FILE}: not a manifest of this layout`);
    return parsed;
  } catch (error) {
    problems.push(
      `${MANIFEST_FILE}: the signature does not verify with the key (${codeOf(error)})`,
    );
    return undefined;
  }
}

function checkFiles(dir: string, listed: ReadonlyMap<string, string>, problems: string[]): void {
  const present = readdirSync(dir).filter((n) => n !== MANIFEST_FILE);
  for (const name of present) {
    if (!listed.has(name)) problems.push(`${name}: not in the manifest`);
  }
  for (const [name, hash] of listed) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, name));
    } catch {
      problems.push(`${name}: listed in the manifest but missing`);
      continue;
    }
    if (sha256Hex(bytes) !== hash)
      problems.push(`${name}: changed (SHA-256 differs from the manifest)`);
  }
  for (const name of Object.values(BUNDLE_FILES)) {
    if (!listed.has(name)) problems.push(`${name}: the manifest does not list it`);
  }
}

function checkProofs(
  dir: string,
  key: string,
  problems: string[],
): { records: number; treeSize: number } | undefined {
  try {
    const { checkpoint } = openCheckpoint(readFileSync(join(dir, BUNDLE_FILES.checkpoint)), [key]);
    const size = Number(checkpoint.size);
    const proofs = JSON.parse(readFileSync(join(dir, BUNDLE_FILES.proofs), 'utf8')) as BundleProofs;
    const records = readFileSync(join(dir, BUNDLE_FILES.records), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as BundleRecord);
    if (records.length !== proofs.proofs.length)
      problems.push('records and proofs differ in number');
    records.forEach((r, i) => {
      const p = proofs.proofs[i];
      const hash = recordLeafHash({ kind: 'event', body: r.event as unknown as AccessEvent });
      if (!p || p.leaf !== r.leaf || p.leafHash !== hash.toString('hex')) {
        problems.push(`record ${i + 1} (leaf ${r.leaf}): its leaf hash is not the proof's`);
        return;
      }
      const path = p.proof.map((h) => Buffer.from(h, 'hex'));
      verifyInclusion(r.leaf, size, hash, path, checkpoint.rootHash);
    });
    return { records: records.length, treeSize: size };
  } catch (error) {
    problems.push(`a record's proof or the checkpoint does not verify (${codeOf(error)})`);
    return undefined;
  }
}

function codeOf(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String(error.code);
  return error instanceof Error ? error.message : String(error);
}
