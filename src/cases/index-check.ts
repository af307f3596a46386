import type { AccessEvent } from '../domain/index.js';
import { canonicalJson } from '../ledger/index.js';
import type { AccessState, LeafEvent, OutboxCommand, Store, StoredCase } from '../store/index.js';

/** One place where a case table and the ledger's events disagree. */
export interface CaseIndexProblem {
  /** The leaf of the event concerned (-1 when a row names no event). */
  readonly index: number;
  readonly code:
    | 'CASE_INDEX_MISSING'
    | 'CASE_INDEX_FORGED'
    | 'ACCESS_INDEX_MISSING'
    | 'ACCESS_INDEX_FORGED'
    | 'OUTBOX_MISSING'
    | 'OUTBOX_FORGED'
    | 'CASE_MEMBER_MISSING'
    | 'CASE_MEMBER_FORGED';
  readonly message: string;
}

const CASE_ACTIONS = [
  'x-case.open',
  'x-case.assign',
  'x-case.close',
  'x-case.reveal.request',
  'x-case.reveal.approve',
  'x-case.hold',
  'x-case.release',
];

/** What the ledger says a case is: the fields its events set. */
interface LedgeredCase {
  readonly leaf: number;
  readonly fields: Record<string, string | undefined>;
  revealed: boolean;
}

/**
 * Holds the case tables to the ledger, reading only: `cases` (status, assignee, reveal, hold),
 * `case_members` (subjects and alerts added by ledgered steps), `employee_access` (suspensions and revocations in force) and `outbox` (one command per
 * measure, its payload recomputed from the measure's event) must be what the allowed
 * `x-case.*` events say. A database writer who reopens a case, lifts a revocation, marks a
 * reveal approved, or rewrites a command to the marketplace is caught here. Delivery state
 * (`attempts`, `delivered_at`) is not in the ledger and is not checked.
 */
export async function checkCaseIndexes(
  store: Store,
): Promise<{ checked: number; problems: CaseIndexProblem[] }> {
  const problems: CaseIndexProblem[] = [];
  const caseEvents = await allowed(store, CASE_ACTIONS);
  const measures = (await allowed(store, ['x-case.enforce'])).filter(
    (e) => e.event.attrs?.['decision'] !== undefined,
  );
  const rows = await store.cases.list();
  checkCases(replayCases(caseEvents), rows, problems);
  const memberEvents = await allowed(store, [
    'x-case.subject.add',
    'x-case.alert.link',
    'x-alert.escalate',
  ]);
  for (const row of rows) {
    const members = await store.cases.members(row.id);
    checkMembers(row.id, ledgeredMembers(row.id, memberEvents), members, problems);
  }
  checkAccess(measures, await store.cases.accessRows(), problems);
  checkOutbox(measures, await store.cases.outbox('all'), problems);
  return {
    checked: caseEvents.length + measures.length,
    problems: problems.sort((a, b) => a.index - b.index),
  };
}

async function allowed(store: Store, actions: readonly string[]): Promise<LeafEvent[]> {
  const out: LeafEvent[] = [];
  for (const action of actions) {
    for await (const e of store.guard.eventsOf(action, 'allowed')) out.push(e);
  }
  return out.sort((a, b) => a.leaf - b.leaf);
}

const caseIdOf = (e: AccessEvent): string => e.target.id.replace(/^case:/, '');

function replayCases(events: readonly LeafEvent[]): Map<string, LedgeredCase> {
  const cases = new Map<string, LedgeredCase>();
  for (const { leaf, event: e } of events) {
    const id = caseIdOf(e);
    if (e.action === 'x-case.open') {
      const title = typeof e.attrs?.['title'] === 'string' ? e.attrs['title'] : undefined;
      const fields = {
        title,
        status: 'open',
        assignee: e.actor,
        openedBy: e.actor,
        openedAt: e.time,
        eventId: e.id,
        revealRequestedBy: undefined,
        revealedBy: undefined,
        heldBy: undefined,
        heldAt: undefined,
      };
      cases.set(id, { leaf, fields, revealed: false });
      continue;
    }
    const c = cases.get(id);
    if (!c) continue; // a step on a case never opened: the row check reports the row, if any
    const f = c.fields;
    if (e.action === 'x-case.assign') {
      const to = e.attrs?.['assignee'];
      f['assignee'] = typeof to === 'string' ? to : undefined;
    }
    if (e.action === 'x-case.close') f['status'] = 'closed';
    if (e.action === 'x-case.reveal.request') f['revealRequestedBy'] = e.actor;
    if (e.action === 'x-case.reveal.approve') {
      f['revealedBy'] = e.actor;
      c.revealed = true;
    }
    if (e.action === 'x-case.hold') Object.assign(f, { heldBy: e.actor, heldAt: e.time });
    if (e.action === 'x-case.release') Object.assign(f, { heldBy: undefined, heldAt: undefined });
  }
  return cases;
}

function checkCases(
  ledgered: Map<string, LedgeredCase>,
  rows: readonly StoredCase[],
  problems: CaseIndexProblem[],
): void {
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.id);
    const want = ledgered.get(row.id);
    if (!want) {
      problems.push({
        index: -1,
        code: 'CASE_INDEX_FORGED',
        message: `case ${row.id} is in the cases table but no x-case.open event opened it`,
      });
      continue;
    }
    const differ = Object.entries(want.fields)
      .filter(([k, v]) => (row as unknown as Record<string, unknown>)[k] !== v)
      .map(([k]) => k);
    if ((row.revealedAt !== undefined) !== want.revealed) differ.push('revealedAt');
    if (differ.length > 0) {
      problems.push({
        index: want.leaf,
        code: 'CASE_INDEX_FORGED',
        message: `case ${row.id}: ${differ.join(', ')} in the cases table ${differ.length > 1 ? 'are' : 'is'} not what its ledgered steps say`,
      });
    }
  }
  for (const [id, want] of ledgered) {
    if (seen.has(id)) continue;
    problems.push({
      index: want.leaf,
      code: 'CASE_INDEX_MISSING',
      message: `case ${id} was opened (event ${want.fields['eventId'] ?? '?'}) but has no cases row`,
    });
  }
}

/** The members a case's ledgered steps added (`known`: false when an old link lacks them). */
function ledgeredMembers(
  caseId: string,
  events: readonly LeafEvent[],
): { members: Map<string, number>; known: boolean } {
  const members = new Map<string, number>();
  let known = true;
  const add = (kind: string, ref: unknown, leaf: number): void => {
    if (typeof ref !== 'string') return;
    const key = `${kind}\u0000${ref}`;
    if (!members.has(key)) members.set(key, leaf);
  };
  const escalated = new Map<string, Record<string, unknown>>();
  for (const { event: e } of events) {
    if (e.action === 'x-alert.escalate' && e.attrs?.['case'] === caseId) {
      const alert = e.attrs['alert'] as Record<string, unknown> | undefined;
      if (alert && typeof alert['id'] === 'string') escalated.set(alert['id'], alert);
    }
  }
  for (const { leaf, event: e } of events) {
    if (e.target.id !== `case:${caseId}`) continue;
    const a = e.attrs ?? {};
    if (e.action === 'x-case.subject.add') add(String(a['kind']), a['ref'], leaf);
    if (e.action !== 'x-case.alert.link') continue;
    add('alert', a['alert'], leaf);
    // links written before they named their subjects: the escalation's alert names them
    const alert = typeof a['alert'] === 'string' ? escalated.get(a['alert']) : undefined;
    const employees =
      a['employees'] ??
      alert?.['employeeIds'] ??
      (alert?.['employeeId'] === undefined ? undefined : [alert['employeeId']]);
    const sellers = a['sellers'] ?? alert?.['sellerIds'];
    if (!Array.isArray(employees) || !Array.isArray(sellers)) {
      known = false;
      continue;
    }
    for (const ref of employees) add('employee', ref, leaf);
    for (const ref of sellers) add('seller', ref, leaf);
  }
  return { members, known };
}

function checkMembers(
  caseId: string,
  want: { members: Map<string, number>; known: boolean },
  rows: readonly { kind: string; ref: string }[],
  problems: CaseIndexProblem[],
): void {
  const have = new Set(rows.map((r) => `${r.kind}\u0000${r.ref}`));
  for (const [key, leaf] of want.members) {
    if (have.has(key)) continue;
    problems.push({
      index: leaf,
      code: 'CASE_MEMBER_MISSING',
      message: `case ${caseId}: ${key.replace('\u0000', ' ')} was added (leaf ${leaf}) but has no case_members row: a subject could act on their own case`,
    });
  }
  if (!want.known) return; // an old link that names no subjects: extra rows cannot be judged
  for (const r of rows) {
    if (want.members.has(`${r.kind}\u0000${r.ref}`)) continue;
    problems.push({
      index: -1,
      code: 'CASE_MEMBER_FORGED',
      message: `case ${caseId}: case_members has ${r.kind} ${r.ref}, which no ledgered step added`,
    });
  }
}

function checkAccess(
  measures: readonly LeafEvent[],
  rows: readonly { employee: string; state: AccessState; eventId: string }[],
  problems: CaseIndexProblem[],
): void {
  const want = new Map<string, { state: AccessState; eventId: string; leaf: number }>();
  for (const { leaf, event } of measures) {
    const e = enforcementOf(event);
    if (!e) continue;
    if (e.measure === 'employee.suspend' || e.measure === 'employee.revoke') {
      const state = e.measure === 'employee.suspend' ? 'suspended' : 'revoked';
      want.set(e.subject, { state, eventId: event.id, leaf });
    }
    if (e.measure === 'employee.reinstate') want.delete(e.subject);
  }
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.employee);
    const w = want.get(row.employee);
    if (!w || w.state !== row.state || w.eventId !== row.eventId) {
      problems.push({
        index: w?.leaf ?? -1,
        code: 'ACCESS_INDEX_FORGED',
        message: `employee_access says ${row.employee} is ${row.state} (event ${row.eventId}); the ledger's measures say ${w ? `${w.state} (event ${w.eventId})` : 'not'}`,
      });
    }
  }
  for (const [employee, w] of want) {
    if (seen.has(employee)) continue;
    problems.push({
      index: w.leaf,
      code: 'ACCESS_INDEX_MISSING',
      message: `${employee} was ${w.state} by event ${w.eventId} and never reinstated, but employee_access has no row: the guard would let them act`,
    });
  }
}

function checkOutbox(
  measures: readonly LeafEvent[],
  rows: readonly OutboxCommand[],
  problems: CaseIndexProblem[],
): void {
  const byEvent = new Map(measures.map((m) => [m.event.id, m]));
  const seen = new Set<string>();
  for (const row of rows) {
    const m = byEvent.get(row.eventId);
    const honest =
      m !== undefined &&
      !seen.has(row.eventId) &&
      row.caseId === m.event.target.id &&
      row.measure === enforcementOf(m.event)?.measure &&
      row.createdAt === m.event.time &&
      row.payload === commandPayload(m.event);
    seen.add(row.eventId);
    if (!honest) {
      problems.push({
        index: m?.leaf ?? -1,
        code: 'OUTBOX_FORGED',
        message: `outbox command ${row.id} (event ${row.eventId}) is not the command its measure's event gives`,
      });
    }
  }
  for (const m of measures) {
    if (seen.has(m.event.id)) continue;
    problems.push({
      index: m.leaf,
      code: 'OUTBOX_MISSING',
      message: `the measure of event ${m.event.id} has no outbox command: the marketplace would never be told`,
    });
  }
}

function enforcementOf(e: AccessEvent): { measure: string; subject: string } | undefined {
  const v = e.attrs?.['enforcement'] as { measure?: unknown; subject?: unknown } | undefined;
  return typeof v?.measure === 'string' && typeof v.subject === 'string'
    ? { measure: v.measure, subject: v.subject }
    : undefined;
}

/** The command a measure's event gives (`enforcementEffect`, src/guard/enforcement.ts). */
function commandPayload(e: AccessEvent): string {
  const enforcement = (e.attrs?.['enforcement'] ?? {}) as Record<string, unknown>;
  const reason = typeof e.attrs?.['reason'] === 'string' ? e.attrs['reason'] : '';
  return canonicalJson({
    ...enforcement,
    case: e.target.id,
    reason,
    decidedBy: e.actor,
    event: e.id,
  });
}
