import type { Alert } from '../domain/index.js';
import { canonicalJson } from '../ledger/index.js';
import type { CaseStepAction } from '../guard/index.js';
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
import { authorise, caseResource, newCaseResource } from './authorise.js';
import { caseEvent, newCaseId, record, type CaseDeps, type StepWrite } from './record.js';

/** Opens a case; the opener is its first assignee. */
export async function openCase(deps: CaseDeps, actor: string, title: string): Promise<StoredCase> {
  const { write, opened } = await opening(deps, actor, title);
  await record(deps, write.event, write.state);
  return opened;
}

/** The authorised opening of a new case, not yet written (escalation writes it with more). */
export async function opening(
  deps: CaseDeps,
  actor: string,
  title: string,
): Promise<{ write: StepWrite; opened: StoredCase }> {
  const checked = text(title, 'title', 200);
  const time = deps.now();
  const id = newCaseId('case');
  const event = await authorise(
    deps,
    caseEvent({
      actor,
      action: 'x-case.open',
      target: `case:${id}`,
      time,
      attrs: { title: checked },
    }),
    'case.open',
    newCaseResource(id),
    'open',
  );
  await assertActiveEmployee(deps, actor);
  const opened: StoredCase = {
    id,
    title: checked,
    status: 'open',
    assignee: actor,
    openedBy: actor,
    openedAt: time,
    eventId: event.id,
  };
  return { write: { event, state: (tx) => tx.putCase(opened) }, opened };
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
  const time = deps.now();
  const event = await authorise(
    deps,
    caseEvent({
      actor,
      action: 'x-case.subject.add',
      target: `case:${caseId}`,
      time,
      attrs: { kind, ref },
    }),
    'case.subject.add',
    await caseResource(deps, caseId),
    'subject',
  );
  await assertNotSubject(deps, caseId, actor);
  if ((await deps.store.directory.existing(kind, [ref])).size === 0) {
    throw new CaseError('INPUT_INVALID', `no ${kind} ${ref} in the directory`);
  }
  if (kind === 'employee' && ref === actor) {
    throw new CaseError('NOT_PERMITTED', `${actor} may not work a case about themselves`);
  }
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
  const write = await linking(deps, caseId, actor, alert, await caseResource(deps, caseId));
  await assertNotSubject(deps, caseId, actor);
  await record(deps, write.event, write.state);
}

/**
 * The authorised link of an alert to a case (`resource`: the case as the policies see it,
 * empty for a case being opened in the same write), not yet written.
 */
export async function linking(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  alert: Alert,
  resource: Awaited<ReturnType<typeof caseResource>>,
): Promise<StepWrite> {
  const employees = alert.employeeIds ?? [alert.employeeId];
  const time = deps.now();
  const detail = canonicalJson(alert);
  const event = await authorise(
    deps,
    caseEvent({
      actor,
      action: 'x-case.alert.link',
      target: `case:${caseId}`,
      time,
      attrs: {
        alert: alert.id,
        detector: alert.detector,
        events: [...alert.events],
        // the subjects the link adds, so that `ledger verify` can hold case_members to it
        employees: [...employees],
        sellers: [...alert.sellerIds],
      },
    }),
    'case.subject.add',
    resource,
    'alert',
  );
  if (employees.includes(actor)) {
    throw new CaseError('NOT_PERMITTED', `${actor} is named by alert ${alert.id}`);
  }
  return {
    event,
    state: async (tx) => {
      const base = { caseId, addedAt: time, eventId: event.id };
      await tx.putCaseMember({ ...base, kind: 'alert', ref: alert.id, detail });
      for (const e of employees) await tx.putCaseMember({ ...base, kind: 'employee', ref: e });
      for (const s of alert.sellerIds) await tx.putCaseMember({ ...base, kind: 'seller', ref: s });
    },
  };
}

/** Adds a note (ledgered, so a note cannot be slipped in or changed later unseen). */
export async function addNote(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  note: string,
): Promise<void> {
  await openCaseOrThrow(deps, caseId);
  const body = text(note, 'note', 4000);
  const time = deps.now();
  const event = await authorise(
    deps,
    caseEvent({
      actor,
      action: 'x-case.note',
      target: `case:${caseId}`,
      time,
      attrs: { note: body },
    }),
    'case.note',
    await caseResource(deps, caseId),
    'note',
  );
  await assertNotSubject(deps, caseId, actor);
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
  await change(
    deps,
    current,
    actor,
    'x-case.assign',
    { assignee },
    { ...current, assignee },
    {
      action: 'case.assign',
      step: 'assign',
      check: async () => {
        await assertNotSubject(deps, caseId, assignee);
        await assertActiveEmployee(deps, assignee);
      },
    },
  );
}

/** Closes the case with a reason. */
export async function closeCase(
  deps: CaseDeps,
  caseId: string,
  actor: string,
  reason: string,
): Promise<void> {
  const current = await openCaseOrThrow(deps, caseId);
  const why = text(reason, '--reason', 500);
  await change(
    deps,
    current,
    actor,
    'x-case.close',
    { reason: why },
    { ...current, status: 'closed' },
    { action: 'case.close', step: 'close' },
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
  if (current.revealedAt)
    throw new CaseError('INPUT_INVALID', `case ${caseId} is revealed already`);
  const why = text(reason, '--reason', 500);
  await change(
    deps,
    current,
    actor,
    'x-case.reveal.request',
    { reason: why },
    { ...current, revealRequestedBy: actor },
    { action: 'case.reveal', step: 'request' },
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
  const time = deps.now();
  await change(
    deps,
    current,
    actor,
    'x-case.reveal.approve',
    { requester, subjects: await subjectEmployees(deps, caseId) },
    { ...current, revealedBy: actor, revealedAt: time },
    {
      action: 'case.reveal',
      step: 'approve',
      check: () => {
        if (requester !== actor) return Promise.resolve();
        throw new CaseError(
          'NOT_PERMITTED',
          `${actor} asked for the reveal: a second person approves it`,
        );
      },
    },
  );
}

/** A change to the case record, decided by the policies and ledgered with its decision. */
export async function change(
  deps: CaseDeps,
  current: StoredCase,
  actor: string,
  action: `x-case.${string}`,
  attrs: Readonly<Record<string, unknown>>,
  next: StoredCase,
  policy: { action: CaseStepAction; step: string; check?: () => Promise<void> },
): Promise<void> {
  const event = await authorise(
    deps,
    caseEvent({ actor, action, target: `case:${current.id}`, time: deps.now(), attrs }),
    policy.action,
    await caseResource(deps, current.id),
    policy.step,
  );
  // the policies decide first (and a denial is ledgered); Warden's own invariants still hold
  await assertNotSubject(deps, current.id, actor);
  await assertActiveEmployee(deps, actor);
  if (policy.check) await policy.check();
  await record(deps, event, (tx) => tx.putCase(next));
}
