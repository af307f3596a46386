import type { StoredCase } from '../store/index.js';
import { CaseError } from './errors.js';
import type { CaseDeps } from './record.js';

/** The case, or `CASE_NOT_FOUND`. */
export async function caseOrThrow(deps: CaseDeps, caseId: string): Promise<StoredCase> {
  const found = await deps.store.cases.get(caseId);
  if (!found)
    throw new CaseError('CASE_NOT_FOUND', `no case ${caseId} (list them: warden case list)`);
  return found;
}

/** The case, open: a closed case takes nothing more. */
export async function openCaseOrThrow(deps: CaseDeps, caseId: string): Promise<StoredCase> {
  const found = await caseOrThrow(deps, caseId);
  if (found.status === 'closed') throw new CaseError('CASE_CLOSED', `case ${caseId} is closed`);
  return found;
}

/** The employees a case investigates. */
export async function subjectEmployees(deps: CaseDeps, caseId: string): Promise<string[]> {
  return (await deps.store.cases.members(caseId))
    .filter((m) => m.kind === 'employee')
    .map((m) => m.ref);
}

/**
 * Nobody works, reads or approves anything in a case that investigates them: an insider must
 * not be able to watch, steer or bless their own investigation.
 */
export async function assertNotSubject(
  deps: CaseDeps,
  caseId: string,
  employeeId: string,
): Promise<void> {
  if ((await subjectEmployees(deps, caseId)).includes(employeeId)) {
    throw new CaseError(
      'NOT_PERMITTED',
      `${employeeId} is a subject of case ${caseId} and may not act on it`,
    );
  }
}

/** An employee in the directory who has not left, or `NOT_PERMITTED` / `INPUT_INVALID`. */
export async function assertActiveEmployee(deps: CaseDeps, employeeId: string): Promise<void> {
  const payload = await deps.store.directory.get('employee', employeeId);
  if (payload === undefined) {
    throw new CaseError('INPUT_INVALID', `no employee ${employeeId} in the directory`);
  }
  const { leftAt } = JSON.parse(payload) as { leftAt?: string };
  if (leftAt !== undefined && Date.parse(leftAt) <= Date.parse(deps.now())) {
    throw new CaseError('NOT_PERMITTED', `${employeeId} has left (${leftAt})`);
  }
}

/**
 * Control characters other than tab and line breaks: a NUL cannot be stored by every store
 * (PostgreSQL refuses it in text) and the others hide text in terminals and HTML summaries.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A non-empty, trimmed, bounded text, or `INPUT_INVALID` naming the field. */
export function text(value: string | undefined, field: string, max = 2000): string {
  const t = value?.trim() ?? '';
  if (t === '') throw new CaseError('INPUT_INVALID', `${field} is required`);
  if (t.length > max)
    throw new CaseError('INPUT_INVALID', `${field} is longer than ${max} characters`);
  const bad = CONTROL.exec(t);
  if (bad)
    throw new CaseError(
      'INPUT_INVALID',
      `${field} holds a control character (U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) at position ${bad.index + 1}`,
    );
  return t;
}
