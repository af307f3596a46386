import {
  checkParseSchema,
  preparsePolicySet,
  preparseSchema,
  validate,
  type DetailedError,
  type PolicyJson,
} from './cedar.js';
import { GuardError } from './errors.js';
import {
  describeErrors,
  readPolicyDir,
  type PolicySource,
  type PolicyTexts,
} from './policy-files.js';
import { policyFilesOf, policySetHash, textsFromFiles, type PolicyFiles } from './policy-pin.js';
import { GUARDED_ACTIONS, isGuardedAction, type GuardedAction } from './request.js';

let generation = 0;

/** The prefix of a permit's mirror in a preparsed set (see `CompiledPolicies.preparse`). */
export const MIRROR = 'permit:';

export interface PreparsedSet {
  readonly id: string;
  /** Names of the attributes (of entities, records and the context) its policies read. */
  readonly used: ReadonlySet<string>;
}

function idOf(p: PolicySource): string {
  return p.effect === 'permit' ? MIRROR + p.id : p.id;
}

function asForbid(p: PolicySource): PolicyJson | string {
  return p.effect === 'permit' ? { ...p.json, effect: 'forbid' } : p.text;
}

/** Every attribute name a policy reads (`x.attr`, `x has attr`), from its JSON form. */
function attributesRead(policies: readonly PolicySource[]): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === '.' || key === 'has') && value !== null && typeof value === 'object') {
        const attr = (value as { attr?: unknown }).attr;
        for (const a of Array.isArray(attr) ? attr : [attr])
          if (typeof a === 'string') names.add(a);
      }
      walk(value);
    }
  };
  for (const p of policies) walk(p.json.conditions);
  return names;
}

/**
 * A validated Cedar policy set, preparsed once into the engine (one set per action, holding
 * only the policies whose scope can match that action: the engine evaluates every policy of
 * a set on each request). Policies annotated `@outcome("pending")` are forbids that a
 * second person's approval lifts.
 */
export class CompiledPolicies {
  /** A new number per compiled set: decision caches key on it. */
  readonly version: number;
  readonly schemaName: string;
  private readonly sets = new Map<GuardedAction, PreparsedSet>();

  private constructor(
    readonly texts: PolicyTexts,
    readonly pendingIds: ReadonlySet<string>,
  ) {
    this.version = ++generation;
    this.schemaName = `warden-schema-${this.version}`;
  }

  static fromDir(dir: string): CompiledPolicies {
    return CompiledPolicies.compile(readPolicyDir(dir));
  }

  /** A stored policy set (its files by name), compiled; `hash` names it in errors. */
  static fromFiles(files: PolicyFiles, hash: string): CompiledPolicies {
    return CompiledPolicies.compile(textsFromFiles(files, hash));
  }

  private hashMemo: string | undefined;

  /** The set's identity: SHA-256 of its canonical files (see `policySetHash`). */
  get hash(): string {
    this.hashMemo ??= policySetHash(this.files());
    return this.hashMemo;
  }

  /** The set's files by name (schema and policies). */
  files(): PolicyFiles {
    return policyFilesOf(this.texts);
  }

  /** Checks the schema, validates every policy against it (strict mode), preparses. */
  static compile(texts: PolicyTexts): CompiledPolicies {
    checkSchema(texts);
    checkPolicies(texts);
    const pending = texts.policies.filter((p) => p.annotations['outcome'] === 'pending');
    for (const p of pending) checkPending(p);
    const compiled = new CompiledPolicies(texts, new Set(pending.map((p) => p.id)));
    compiled.preparse();
    return compiled;
  }

  get policies(): readonly PolicySource[] {
    return this.texts.policies;
  }

  policy(id: string): PolicySource | undefined {
    return this.texts.policies.find((p) => p.id === id);
  }

  private readonly declared = new Map<GuardedAction, boolean>();

  /**
   * Whether the set's schema declares `action`. A set activated before an action was added
   * to Warden does not: nothing in it can permit the action, and a request validated against
   * its schema would fail, so the guard denies it outright, saying why. Found by validating a
   * policy naming the action against the schema.
   */
  declares(action: GuardedAction): boolean {
    let known = this.declared.get(action);
    if (known === undefined) {
      const answer = validate({
        schema: this.texts.schema.text,
        policies: {
          staticPolicies: {
            probe: `permit (principal, action == Warden::Action::${JSON.stringify(action)}, resource);`,
          },
        },
        validationSettings: { mode: 'strict' },
      });
      known = answer.type === 'success' && answer.validationErrors.length === 0;
      this.declared.set(action, known);
    }
    return known;
  }

  /** The preparsed set for an action, and the attributes its policies read. */
  setFor(action: GuardedAction): PreparsedSet {
    const set = this.sets.get(action);
    if (set === undefined) throw new GuardError('REQUEST_INVALID', `unknown action ${action}`);
    return set;
  }

  /**
   * One preparsed set per action, holding the policies whose scope can match it, with every
   * permit turned into a forbid under the id `permit:<id>` (a mirror). Cedar reports every
   * satisfied forbid, so one evaluation tells which permits hold, which forbids fire and
   * which of those an approval lifts; the decider combines them as Cedar would (a forbid
   * overrides, no permit denies). A plain evaluation would say only allow or deny, and a
   * pending request would need a second evaluation.
   */
  private preparse(): void {
    check(preparseSchema(this.schemaName, this.texts.schema.text), this.texts.schema);
    for (const action of GUARDED_ACTIONS) {
      const id = `warden-${this.version}-${action}`;
      const chosen = this.texts.policies.filter((p) => mayApplyTo(p, action));
      const staticPolicies = Object.fromEntries(chosen.map((p) => [idOf(p), asForbid(p)]));
      const answer = preparsePolicySet(id, { staticPolicies });
      if (answer.type === 'failure') {
        throw new GuardError('POLICY_INVALID', answer.errors.map((e) => e.message).join('\n'));
      }
      this.sets.set(action, { id, used: attributesRead(chosen) });
    }
  }
}

/**
 * Whether a policy's action scope can match `action`: an unscoped policy matches all, and so
 * (conservatively) does one naming an action group.
 */
function mayApplyTo(policy: PolicySource, action: GuardedAction): boolean {
  if (policy.actions === 'all') return true;
  return policy.actions.includes(action) || policy.actions.some((a) => !isGuardedAction(a));
}

/** A pending policy is a forbid that an approval lifts: it must read `context.approved`. */
function checkPending(p: PolicySource): void {
  if (p.effect !== 'forbid' || !attributesRead([p]).has('approved')) {
    throw new GuardError(
      'POLICY_INVALID',
      `${p.file}:${p.line}: @outcome("pending") is for a forbid that context.approved lifts [policy ${p.id}]`,
    );
  }
}

function checkSchema(texts: PolicyTexts): void {
  check(checkParseSchema(texts.schema.text), texts.schema, 'SCHEMA_INVALID');
}

function checkPolicies(texts: PolicyTexts): void {
  const staticPolicies = Object.fromEntries(texts.policies.map((p) => [p.id, p.text]));
  const answer = validate({
    schema: texts.schema.text,
    policies: { staticPolicies },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') {
    throw new GuardError('POLICY_INVALID', answer.errors.map((e) => e.message).join('\n'));
  }
  if (answer.validationErrors.length === 0) return;
  const lines = answer.validationErrors.map(({ policyId, error }) => {
    const p = texts.policies.find((q) => q.id === policyId);
    if (!p) return `${policyId}: ${error.message}`;
    return `${describeErrors([error], p.file, texts.files.get(p.file) ?? '', p.offset)} [policy ${policyId}]`;
  });
  throw new GuardError('POLICY_INVALID', lines.join('\n'));
}

function check(
  answer: { type: 'success' } | { type: 'failure'; errors: DetailedError[] },
  where: { file: string; text: string },
  code: 'SCHEMA_INVALID' | 'POLICY_INVALID' = 'SCHEMA_INVALID',
): void {
  if (answer.type === 'success') return;
  throw new GuardError(code, describeErrors(answer.errors, where.file, where.text, 0));
}
