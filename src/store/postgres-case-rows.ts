import type {
  AlertTriage,
  Appeal,
  CaseMember,
  CaseMemberKind,
  OutboxCommand,
  StoredCase,
} from './ports-cases.js';

/** Rows of the case tables as PostgreSQL gives them, and the ports' shapes made of them. */
export interface CaseRow {
  id: string;
  title: string;
  status: StoredCase['status'];
  assignee: string | null;
  opened_by: string;
  opened_at: string;
  reveal_requested_by: string | null;
  revealed_by: string | null;
  revealed_at: string | null;
  held_at: string | null;
  held_by: string | null;
  event_id: string;
}

export interface MemberRow {
  case_id: string;
  kind: CaseMemberKind;
  ref: string;
  detail: string | null;
  added_at: string;
  event_id: string;
}

export interface TriageRow {
  alert_id: string;
  detector: string;
  employee: string;
  state: AlertTriage['state'];
  by: string;
  at: string;
  reason: string | null;
  until: string | null;
  case_id: string | null;
  event_id: string;
}

export interface OutboxRow {
  id: string;
  case_id: string;
  measure: string;
  payload: string;
  created_at: string;
  event_id: string;
  delivered_at: string | null;
  attempts: number;
  last_error: string | null;
}

export interface AppealRow {
  id: string;
  case_id: string;
  measure_event: string;
  appellant: string;
  grounds: string;
  filed_by: string;
  filed_at: string;
  outcome: 'upheld' | 'overturned' | null;
  decided_by: string | null;
  decided_at: string | null;
  decision: string | null;
  event_id: string;
}

/** `{ [name]: value }`, or nothing for a NULL column (optional fields are absent, not undefined). */
function opt<K extends string>(name: K, value: string | null): { [P in K]?: string } {
  return (value === null ? {} : { [name]: value }) as { [P in K]?: string };
}

export function caseOf(r: CaseRow): StoredCase {
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    ...opt('assignee', r.assignee),
    openedBy: r.opened_by,
    openedAt: r.opened_at,
    ...opt('revealRequestedBy', r.reveal_requested_by),
    ...opt('revealedBy', r.revealed_by),
    ...opt('revealedAt', r.revealed_at),
    ...opt('heldAt', r.held_at),
    ...opt('heldBy', r.held_by),
    eventId: r.event_id,
  };
}

export function memberOf(r: MemberRow): CaseMember {
  return {
    caseId: r.case_id,
    kind: r.kind,
    ref: r.ref,
    ...opt('detail', r.detail),
    addedAt: r.added_at,
    eventId: r.event_id,
  };
}

export function triageOf(r: TriageRow): AlertTriage {
  return {
    alertId: r.alert_id,
    detector: r.detector,
    employee: r.employee,
    state: r.state,
    by: r.by,
    at: r.at,
    ...opt('reason', r.reason),
    ...opt('until', r.until),
    ...opt('caseId', r.case_id),
    eventId: r.event_id,
  };
}

export function outboxOf(r: OutboxRow): OutboxCommand {
  return {
    id: r.id,
    caseId: r.case_id,
    measure: r.measure,
    payload: r.payload,
    createdAt: r.created_at,
    eventId: r.event_id,
    ...opt('deliveredAt', r.delivered_at),
    attempts: r.attempts,
    ...opt('lastError', r.last_error),
  };
}

export function appealOf(r: AppealRow): Appeal {
  return {
    id: r.id,
    caseId: r.case_id,
    measureEvent: r.measure_event,
    appellant: r.appellant,
    grounds: r.grounds,
    filedBy: r.filed_by,
    filedAt: r.filed_at,
    ...(r.outcome === null ? {} : { outcome: r.outcome }),
    ...opt('decidedBy', r.decided_by),
    ...opt('decidedAt', r.decided_at),
    ...opt('decision', r.decision),
    eventId: r.event_id,
  };
}
