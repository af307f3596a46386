import type { Alert } from '../domain/index.js';
import type { CaseNote, StoredCase } from '../store/index.js';
import { assertActiveEmployee, assertNotSubject, caseOrThrow } from './guards.js';
import { authorise, caseResource } from './authorise.js';
import { subjectMask } from './mask.js';
import { caseEvent, record, type CaseDeps } from './record.js';

/** Why an investigator opened a case: each look is ledgered with it. */
export type LookPurpose = 'view' | 'timeline' | 'export';

/** A case as an investigator sees it: employees pseudonymous until a reveal is approved. */
export interface CaseView {
  readonly case: StoredCase;
  readonly revealed: boolean;
  readonly subjects: readonly {
    readonly kind: 'employee' | 'seller' | 'reviewer';
    readonly ref: string;
  }[];
  readonly alerts: readonly Alert[];
  readonly notes: readonly CaseNote[];
  /** The event that recorded this look. */
  readonly lookEvent: string;
}

/**
 * Reads a case for an investigator. The look itself is recorded first (`x-case.view`, with
 * its purpose), so that the ledger says who read which case and when; a subject of the case
 * may not read it.
 */
export async function lookAtCase(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  purpose: LookPurpose,
): Promise<{ view: CaseView; employees: string[] }> {
  const found = await caseOrThrow(deps, caseId);
  const event = await authorise(
    deps,
    caseEvent({
      actor,
      action: 'x-case.view',
      target: `case:${caseId}`,
      time: deps.now(),
      attrs: { purpose, revealed: found.revealedAt !== undefined },
    }),
    'case.view',
    await caseResource(deps, caseId),
    purpose,
  );
  await assertNotSubject(deps, caseId, actor);
  await assertActiveEmployee(deps, actor);
  await record(deps, event);
  const members = await deps.store.cases.members(caseId);
  const employees = members.filter((m) => m.kind === 'employee').map((m) => m.ref);
  const revealed = found.revealedAt !== undefined;
  const mask = revealed ? <T>(v: T): T => v : subjectMask(deps.pseudonyms, caseId, employees);
  const view: CaseView = {
    case: found,
    revealed,
    subjects: members
      .filter((m) => m.kind !== 'alert')
      .map((m) => ({ kind: m.kind as 'employee' | 'seller' | 'reviewer', ref: mask(m.ref) })),
    alerts: members
      .filter((m) => m.kind === 'alert' && m.detail !== undefined)
      .map((m) => mask(JSON.parse(m.detail ?? '{}') as Alert)),
    notes: mask(await deps.store.cases.notes(caseId)),
    lookEvent: event.id,
  };
  return { view, employees };
}
