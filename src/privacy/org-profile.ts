import type * as Zod from 'zod';
import { lazySchema } from '../domain/index.js';
import { PrivacyError } from './errors.js';
import { lineOfPath } from './json-position.js';
import type { PersonalDataDeclaration } from './personal-data.js';

/** `personalData` of the org profile: per person kind, the attrs members that are personal. */
function buildPersonalDataSchema({ z }: typeof Zod) {
  const fieldNames = z.array(z.string().min(1).max(128)).max(1000);
  return z
    .strictObject({ reviewer: fieldNames.optional(), employee: fieldNames.optional() })
    .optional();
}

const schema = lazySchema(buildPersonalDataSchema);

/**
 * Reads the `personalData` section of an org profile (`warden.org.json`), already parsed as
 * `profile` from `text` of `file`. Only this section is checked here: the other sections
 * belong to the contexts that use them. A wrong section is `PROFILE_INVALID` naming the file,
 * line and field.
 *
 * @example
 *   { "personalData": { "reviewer": ["altEmail", "homePhone"], "employee": ["privateEmail"] } }
 */
export function readPersonalDataSection(
  profile: unknown,
  file: string,
  text: string,
): PersonalDataDeclaration {
  const section =
    typeof profile === 'object' && profile !== null && !Array.isArray(profile)
      ? (profile as Record<string, unknown>)['personalData']
      : undefined;
  const result = schema().safeParse(section);
  if (result.success) {
    const out: { reviewer?: readonly string[]; employee?: readonly string[] } = {};
    if (result.data?.reviewer) out.reviewer = result.data.reviewer;
    if (result.data?.employee) out.employee = result.data.employee;
    return out;
  }
  const issue = result.error.issues[0];
  const path = ['personalData', ...(issue?.path ?? [])] as (string | number)[];
  const field =
    issue?.code === 'unrecognized_keys'
      ? [...path, issue.keys[0] ?? '?'].join('.')
      : path.join('.');
  const line = lineOfPath(text, path) ?? 1;
  const why =
    issue?.code === 'unrecognized_keys'
      ? 'only "reviewer" and "employee" records can declare personal attrs'
      : (issue?.message ?? 'invalid');
  throw new PrivacyError(
    'PROFILE_INVALID',
    `${file}:${line}: ${field}: ${why}; expected { "personalData": { "reviewer": ["altEmail", …], "employee": […] } }`,
  );
}
