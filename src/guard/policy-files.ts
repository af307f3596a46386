import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  policySetTextToParts,
  policyToJson,
  type DetailedError,
  type PolicyJson,
} from './cedar.js';
import { GuardError } from './errors.js';

/** One policy as written: its `@id`, its text, and where it stands. */
export interface PolicySource {
  readonly id: string;
  readonly text: string;
  readonly file: string;
  /** 1-based line of the policy's first character in its file. */
  readonly line: number;
  /** Offset of the policy's text in its file, to place the engine's error locations. */
  readonly offset: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly effect: 'permit' | 'forbid';
  /** The policy as Cedar's JSON. */
  readonly json: PolicyJson;
  /** The actions its scope names (`action == …`, `action in […]`), or `all`. */
  readonly actions: readonly string[] | 'all';
}

export interface PolicyTexts {
  readonly schema: { readonly file: string; readonly text: string };
  readonly policies: readonly PolicySource[];
  /** The files read, to place errors. */
  readonly files: ReadonlyMap<string, string>;
}

export const SCHEMA_FILE = 'warden.cedarschema';

/** Reads `DIR/warden.cedarschema` and every `DIR/*.cedar`, in name order. */
export function readPolicyDir(dir: string): PolicyTexts {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (cause) {
    throw new GuardError(
      'POLICY_INVALID',
      `cannot read the policy directory ${dir}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (!names.includes(SCHEMA_FILE)) {
    throw new GuardError('SCHEMA_INVALID', `${dir} has no ${SCHEMA_FILE}`);
  }
  const files = new Map<string, string>();
  for (const name of names.filter((n) => n.endsWith('.cedar'))) {
    files.set(join(dir, name), readFileSync(join(dir, name), 'utf8'));
  }
  const schemaFile = join(dir, SCHEMA_FILE);
  return {
    schema: { file: schemaFile, text: readFileSync(schemaFile, 'utf8') },
    policies: splitPolicies(files),
    files,
  };
}

/** Splits policy files into policies; each must carry a unique `@id("…")`. */
export function splitPolicies(files: ReadonlyMap<string, string>): PolicySource[] {
  const out: PolicySource[] = [];
  const seen = new Map<string, string>();
  for (const [file, text] of files) {
    const parts = policySetTextToParts(text);
    if (parts.type === 'failure') {
      throw new GuardError('POLICY_INVALID', describeErrors(parts.errors, file, text, 0));
    }
    let from = 0;
    for (const part of parts.policies) {
      const offset = text.indexOf(part, from);
      from = offset + part.length;
      const source = sourceOf(part, file, text, offset);
      const earlier = seen.get(source.id);
      if (earlier !== undefined) {
        throw new GuardError(
          'POLICY_INVALID',
          `${file}:${source.line}: @id("${source.id}") is used already at ${earlier}`,
        );
      }
      seen.set(source.id, `${file}:${source.line}`);
      out.push(source);
    }
  }
  return out;
}

function sourceOf(part: string, file: string, text: string, offset: number): PolicySource {
  const line = lineAt(text, offset);
  const json = policyToJson(part);
  if (json.type === 'failure') {
    throw new GuardError('POLICY_INVALID', describeErrors(json.errors, file, text, offset));
  }
  const annotations = json.json.annotations ?? {};
  const id = annotations['id'];
  if (id === undefined || id === '') {
    throw new GuardError(
      'POLICY_INVALID',
      `${file}:${line}: every policy needs an @id("…") annotation: decisions cite policies by it`,
    );
  }
  return {
    id,
    text: part,
    file,
    line,
    offset,
    annotations,
    effect: json.json.effect,
    json: json.json,
    actions: scopedActions(json.json),
  };
}

function scopedActions(policy: PolicyJson): readonly string[] | 'all' {
  const scope = policy.action;
  if (scope.op === 'All') return 'all';
  const uids = 'entity' in scope ? [scope.entity] : 'entities' in scope ? scope.entities : [];
  return uids.map((u) => ('__entity' in u ? u.__entity.id : u.id));
}

/** 1-based line number of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The engine's errors as `file:line: message (help)`, one per line. */
export function describeErrors(
  errors: readonly DetailedError[],
  file: string,
  text: string,
  offset: number,
): string {
  return errors
    .map((e) => {
      const at = e.sourceLocations?.[0];
      const where = at === undefined ? file : `${file}:${lineAt(text, offset + at.start)}`;
      const label = at?.label ? ` — ${at.label}` : '';
      const help = e.help ? ` (${e.help})` : '';
      return `${where}: ${e.message}${label}${help}`;
    })
    .join('\n');
}
