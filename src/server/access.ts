import { z } from 'zod';
import { ServerError } from './errors.js';

/**
 * What a route needs. Guarded operations still go to the guard, which decides each request
 * by the Cedar policies: the `guard` scope only lets the caller ask.
 */
export const SCOPES = [
  'ingest',
  'findings',
  'approvals',
  'ledger',
  'guard',
  'cases',
  'attribution',
] as const;
export type Scope = (typeof SCOPES)[number];

const grant = z.strictObject({
  role: z.string().min(1).max(128).optional(),
  team: z.string().min(1).max(128).optional(),
  scopes: z.array(z.enum(SCOPES)).min(1),
});

const apiSection = z.strictObject({ grants: z.array(grant).max(1000) }).optional();

/** One grant: employees whose directory role (and team, when named) match get these scopes. */
export type Grant = z.infer<typeof grant>;

/**
 * Who may use which routes, from the directory: a grant names a role and/or a team as the
 * directory spells them (none of them is written in code), and the scopes they give. A grant
 * that names neither applies to every active employee. Nothing is granted by default.
 */
export class ApiAccess {
  constructor(readonly grants: readonly Grant[]) {}

  /** The scopes of an employee with this role and team. */
  scopesOf(person: { role?: string | undefined; team?: string | undefined }): Set<Scope> {
    const scopes = new Set<Scope>();
    for (const g of this.grants) {
      if (g.role !== undefined && g.role !== person.role) continue;
      if (g.team !== undefined && g.team !== person.team) continue;
      for (const s of g.scopes) scopes.add(s);
    }
    return scopes;
  }
}

/**
 * Reads the `api` section of an org profile (`warden.org.json`), parsed as `profile` from
 * `text` of `file`. Absent: no grants (every data route refuses). Malformed: `ACCESS_INVALID`
 * naming the file, line and field.
 *
 * @example
 *   { "api": { "grants": [ { "role": "investigator", "scopes": ["findings", "ledger"] } ] } }
 */
export function readApiSection(profile: unknown, file: string, text: string): ApiAccess {
  const section =
    typeof profile === 'object' && profile !== null && !Array.isArray(profile)
      ? (profile as Record<string, unknown>)['api']
      : undefined;
  const result = apiSection.safeParse(section);
  if (result.success) return new ApiAccess(result.data?.grants ?? []);
  const issue = result.error.issues[0];
  const path = ['api', ...(issue?.path ?? [])].join('.');
  const field = issue?.code === 'unrecognized_keys' ? `${path}.${issue.keys[0] ?? '?'}` : path;
  const at = text.indexOf('"api"');
  const line = at < 0 ? 1 : text.slice(0, at).split('\n').length;
  throw new ServerError(
    'ACCESS_INVALID',
    `${file}:${line}: ${field}: ${issue?.message ?? 'invalid'}; expected { "api": { "grants": [ { "role": "…", "team": "…", "scopes": [${SCOPES.map((s) => `"${s}"`).join(', ')}] } ] } }`,
  );
}
