/**
 * The optional org profile (`warden.org.json` beside the database, or `--org FILE`): what a
 * security team declares about its own organisation. Detection reads only its `detection`
 * section (other contexts own theirs, e.g. `personalData`): job functions — "these teams do
 * cross-seller analytics" — that seed the learned peer norms with a floor. A declared function
 * never replaces what is learned; where the data show more, the data win. Without a profile
 * everything is learned from the stream.
 */
import type * as Zod from 'zod';
import { lazySchema } from '../domain/index.js';
import { DetectError } from './errors.js';
import type { EmployeeView } from './directory-view.js';
import type { Behaviour } from './behaviours.js';

/** Job functions a profile may declare, and the norm floors (per worked day) each seeds. */
export const JOB_FUNCTIONS = {
  /** Metrics across all sellers, without assignments or tickets. */
  'cross-seller-analytics': { unjustified: 5 },
  /** Legal holds and e-discovery: personal data exported, reviewers looked up. */
  'legal-holds': { 'personal-export': 1, 'negative-lookup': 1 },
  /** Recall or safety programmes: many sellers touched in hours, their reviewers contacted. */
  'recall-programmes': { unjustified: 5, 'negative-lookup': 1 },
  /** Intake desks (phone, e-mail) that open tickets for callers and work them. */
  'opens-own-tickets': { 'self-opened': 5 },
  /** Moderation audits: removals of reviews nobody reported. */
  'moderation-audits': { 'unreported-removal': 2 },
} as const satisfies Record<string, Partial<Record<Behaviour, number>>>;
export type JobFunction = keyof typeof JOB_FUNCTIONS;

/** The profile file's schema (built on first use: `lazySchema`). */
function buildProfileSchema({ z }: typeof Zod) {
  const name = z.string().min(1);
  const jobFunction = z
    .object({
      does: z.enum(Object.keys(JOB_FUNCTIONS) as [JobFunction, ...JobFunction[]]),
      /** Team names; a trailing `*` matches any name with that prefix (`analytics-*`). */
      teams: z.array(name).default([]),
      roles: z.array(name).default([]),
      note: z.string().optional(),
    })
    .strict()
    .refine((f) => f.teams.length + f.roles.length > 0, {
      message: 'name at least one team or role',
    });

  const detectionSection = z.object({ jobFunctions: z.array(jobFunction).default([]) }).strict();

  /** Only the `detection` section is read here; other top-level sections belong to other contexts. */
  return z.object({
    version: z.literal(1).optional(),
    detection: detectionSection.optional(),
  });
}

const schema = lazySchema(buildProfileSchema);

export interface OrgProfile {
  readonly jobFunctions: readonly {
    readonly does: JobFunction;
    readonly teams: readonly string[];
    readonly roles: readonly string[];
  }[];
}

export const EMPTY_PROFILE: OrgProfile = { jobFunctions: [] };

/** Validates a parsed profile file; `source` names it in errors (file path). */
export function parseOrgProfile(value: unknown, source: string): OrgProfile {
  const parsed = schema().safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new DetectError(
      'ORG_PROFILE_INVALID',
      `${source}: field ${at}: ${issue.message}; see docs/detection.md, "The org profile"`,
    );
  }
  return { jobFunctions: parsed.data.detection?.jobFunctions ?? [] };
}

const matches = (patterns: readonly string[], value: string): boolean =>
  patterns.some((p) => (p.endsWith('*') ? value.startsWith(p.slice(0, -1)) : p === value));

/** The norm floors the profile declares for an employee's job (none when nothing matches). */
export function floorsFor(
  profile: OrgProfile,
  who: EmployeeView,
): Partial<Record<Behaviour, number>> | undefined {
  let floors: Partial<Record<Behaviour, number>> | undefined;
  for (const f of profile.jobFunctions) {
    if (!matches(f.teams, who.team) && !matches(f.roles, who.role)) continue;
    floors ??= {};
    for (const [b, v] of Object.entries(JOB_FUNCTIONS[f.does]) as [Behaviour, number][])
      floors[b] = Math.max(floors[b] ?? 0, v);
  }
  return floors;
}
