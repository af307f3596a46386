import type { Alert } from '../domain/index.js';
import { canonicalJson } from '../ledger/index.js';
import type { StoredCase } from '../store/index.js';
import { CaseError } from './errors.js';
import {
  assertActiveEmployee,
  assertNotSubject,
  caseOrThrow,
  openCaseOrThrow,
  subjectEmployees,
  text,
} from './guards.js';
import { caseEvent, newCaseId, record, type CaseDeps } from './record.js';

/** Opens a case; the opener is its first assignee. */
export async function openCase(deps: CaseDeps, actor: string, title: string): Promise<StoredCase> {
  await assertActiveEmployee(deps, actor);
  const time = deps.now();
  const id = newCaseId('case');
  const event = caseEvent({
    actor,
    action: 'x-case.open',
    target: `case:${id}`,
    time,
    attrs: { title: text(title, 'title', 200) },
  });
  const opened: StoredCase = {
    id,
    title: text(title, 'title', 200),
    status: 'open',
    assignee: actor,
    openedBy: actor,
    openedAt: time,
    eventId: event.id,
  };
  await record(deps, event, (tx) => tx.putCase(opened));
  return opened;
}

/** Adds an employee or a seller under investigation; neither the actor nor a stranger to the directory. */
export async function addSubject(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  kind: 'employee' | 'seller' | 'reviewer',
  ref: string,
): Promise<void> {
  await openCaseOrThrow(deps, caseId);
  await assertNotSubject(deps, caseId, actor);
  if ((await deps.store.directory.existing(kind, [ref])).size === 0) {
    throw new CaseError('INPUT_INVALID', `no ${kind} ${ref} in the directory`);
  }
  if (kind === 'employee' && ref === actor) {
    throw new CaseError('NOT_PERMITTED', `${actor} may not work a case about themselves`);
  }
  const time = deps.now();
  const event = caseEvent({
    actor,
    action: 'x-case.subject.add',
    target: `case:${caseId}`,
    time,
    attrs: { kind, ref },
  });
  await record(deps, event, (tx) =>
    tx.putCaseMember({ caseId, kind, ref, addedAt: time, eventId: event.id }),
  );
}

/** Links an alert: its employees and sellers become subjects, the alert is kept as it was. */
export async function linkAlert(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  alert: Alert,
): Promise<void> {
  await openCaseOrThrow(deps, caseId);
  const employees = alert.employeeIds ?? [alert.employeeId];
  if (employees.includes(actor)) {
    throw new CaseError('NOT_PERMITTED', `${actor} is named by alert ${alert.id}`);
  }
  await assertNotSubject(deps, caseId, actor);
  const time = deps.now();
  const detail = canonicalJson(alert);
  const event = caseEvent({
    actor,
    action: 'x-case.alert.link',
    target: `case:${caseId}`,
    time,
    attrs: { alert: alert.id, detector: alert.detector, events: [...alert.events] },
  });
  await record(deps, event, async (tx) => {
    const base = { caseId, addedAt: time, eventId: event.id };
    await tx.putCaseMember({ ...base, kind: 'alert', ref: alert.id, detail });
    for (const e of employees) await tx.putCaseMember({ ...base, kind: 'employee', ref: e });
    for (const s of alert.sellerIds) await tx.putCaseMember({ ...base, kind: 'seller', ref: s });
  });
}

/** Adds a note (ledgered, so a note cannot be slipped in or changed later unseen). */
export async function addNote(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  note: string,
): Promise<void> {
  await openCaseOrThrow(deps, caseId);
  await assertNotSubject(deps, caseId, actor);
  const body = text(note, 'note', 4000);
  const time = deps.now();
  const event = caseEvent({
    actor,
    action: 'x-case.note',
    target: `case:${caseId}`,
    time,
    attrs: { note: body },
  });
  await record(deps, event, (tx) =>
    tx.addCaseNote({ caseId, author: actor, text: body, at: time, eventId: event.id }),
  );
}

/** Hands the case to another investigator (never one of its subjects). */
export async function assign(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  assignee: string,
): Promise<void> {
  const current = await openCaseOrThrow(deps, caseId);
  await assertNotSubject(deps, caseId, actor);
  await assertNotSubject(deps, caseId, assignee);
  await assertActiveEmployee(deps, assignee);
  await change(deps, current, actor, 'x-case.assign', { assignee }, { ...current, assignee });
}

/** Closes the case with a reason. */
export async function closeCase(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  reason: string,
): Promise<void> {
  const current = await openCaseOrThrow(deps, caseId);
  await assertNotSubject(deps, caseId, actor);
  const why = text(reason, '--reason', 500);
  await change(
    deps,
    current,
    actor,
    'x-case.close',
    { reason: why },
    { ...current, status: 'closed' },
  );
}

/** Asks that the case's employees be named to its investigators (a second person approves). */
export async function requestReveal(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  reason: string,
): Promise<void> {
  const current = await openCaseOrThrow(deps, caseId);
  await assertNotSubject(deps, caseId, actor);
  await assertActiveEmployee(deps, actor);
  if (current.revealedAt)
    throw new CaseError('INPUT_INVALID', `case ${caseId} is revealed already`);
  const why = text(reason, '--reason', 500);
  await change(
    deps,
    current,
    actor,
    'x-case.reveal.request',
    { reason: why },
    {
      ...current,
      revealRequestedBy: actor,
    },
  );
}

/**
 * The second person approves the reveal: never the requester, never a subject, never a
 * leaver. From then on the case shows employee ids instead of pseudonyms.
 */
export async function approveReveal(deps: CaseDeps, caseId: string, actor: string): Promise<void> {
  const current = await caseOrThrow(deps, caseId);
  const requester = current.revealRequestedBy;
  if (requester === undefined || current.revealedAt) {
    throw new CaseError('INPUT_INVALID', `case ${caseId} has no reveal waiting for approval`);
  }
  if (requester === actor) {
    throw new CaseError(
      'NOT_PERMITTED',
      `${actor} asked for the reveal: a second person approves it`,
    );
  }
  await assertNotSubject(deps, caseId, actor);
  await assertActiveEmployee(deps, actor);
  const time = deps.now();
  await change(
    deps,
    current,
    actor,
    'x-case.reveal.approve',
    { requester, subjects: await subjectEmployees(deps, caseId) },
    {
      ...current,
      revealedBy: actor,
      revealedAt: time,
    },
  );
}

async function change(
  deps: CaseDeps,
  current: StoredCase,
  actor: string,
  action: `x-case.${string}`,
  attrs: Readonly<Record<string, unknown>>,
  next: StoredCase,
): Promise<void> {
  const event = caseEvent({ actor, action, target: `case:${current.id}`, time: deps.now(), attrs });
  await record(deps, event, (tx) => tx.putCase(next));
}
