import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { canonicalJson } from '../ledger/index.js';
import { GuardError } from './errors.js';
import { SCHEMA_FILE, splitPolicies, type PolicyTexts } from './policy-files.js';

/** A policy set's files by name: `warden.cedarschema` and every `*.cedar`. */
export type PolicyFiles = Readonly<Record<string, string>>;

/** The files of a policy set as read (names without their directory). */
export function policyFilesOf(texts: PolicyTexts): PolicyFiles {
  const files: Record<string, string> = { [SCHEMA_FILE]: texts.schema.text };
  for (const [file, text] of texts.files) files[basename(file)] = text;
  return files;
}

/**
 * A policy set's identity: hex SHA-256 of the canonical JSON of its files. Decisions name
 * it; the ledger holds it for every activation; the stored text must hash to it.
 */
export function policySetHash(files: PolicyFiles): string {
  return createHash('sha256').update(canonicalJson(files)).digest('hex');
}

/**
 * The texts of a stored policy set; errors name `policy-set:<hash prefix>/<file>`.
 * A file name outside `[A-Za-z0-9._-]` is refused (it becomes part of messages and paths).
 */
export function textsFromFiles(files: PolicyFiles, hash: string): PolicyTexts {
  const where = (name: string): string => `policy-set:${hash.slice(0, 12)}/${name}`;
  const schema = files[SCHEMA_FILE];
  if (schema === undefined) {
    throw new GuardError('SCHEMA_INVALID', `${where(SCHEMA_FILE)}: the set has no schema`);
  }
  const texts = new Map<string, string>();
  for (const name of Object.keys(files).sort()) {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
      throw new GuardError('POLICY_INVALID', `${where(name)}: not a policy file name`);
    }
    if (name.endsWith('.cedar')) texts.set(where(name), files[name]!);
  }
  return {
    schema: { file: where(SCHEMA_FILE), text: schema },
    policies: splitPolicies(texts),
    files: texts,
  };
}

/** Which policies a new set adds, removes and changes (by `@id`), and whether the schema changed. */
export interface PolicyDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  readonly schemaChanged: boolean;
}

export function diffPolicySets(from: PolicyTexts | undefined, to: PolicyTexts): PolicyDiff {
  const before = new Map((from?.policies ?? []).map((p) => [p.id, p.text.trim()]));
  const after = new Map(to.policies.map((p) => [p.id, p.text.trim()]));
  const sorted = (ids: Iterable<string>): string[] => [...ids].sort();
  return {
    added: sorted([...after.keys()].filter((id) => !before.has(id))),
    removed: sorted([...before.keys()].filter((id) => !after.has(id))),
    changed: sorted(
      [...after]
        .filter(([id, text]) => before.has(id) && before.get(id) !== text)
        .map(([id]) => id),
    ),
    schemaChanged: from === undefined || from.schema.text !== to.schema.text,
  };
}
