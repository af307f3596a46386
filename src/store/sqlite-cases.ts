import type Database from 'better-sqlite3';
import type { LeafEvent } from './ports.js';
import { hasTable } from './sqlite-tables.js';
import type {
  AlertTriage,
  CaseMember,
  CaseMemberKind,
  CaseNote,
  CaseRepository,
  Appeal,
  AccessState,
  OutboxCommand,
  ErasureRequest,
  StoredCase,
} from './ports-cases.js';
import { rowToEvent, type EventRow } from './sqlite-rows.js';
import type { SqliteCurrentDirectory } from './sqlite-directory-current.js';

interface CaseRow {
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

interface MemberRow {
  case_id: string;
  kind: CaseMemberKind;
  ref: string;
  detail: string | null;
  added_at: string;
  event_id: string;
}

interface TriageRow {
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

/** Cases, their members and notes, and alert triage: read side. */
export class SqliteCases implements CaseRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly current: SqliteCurrentDirectory,
  ) {}

  get(id: string): Promise<StoredCase | undefined> {
    const row = this.db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as CaseRow | undefined;
    return Promise.resolve(row && caseOf(row));
  }

  list(): Promise<StoredCase[]> {
    if (!hasTable(this.db, 'cases')) return Promise.resolve([]);
    const rows = this.db
      .prepare('SELECT * FROM cases ORDER BY opened_at DESC, id')
      .all() as CaseRow[];
    return Promise.resolve(rows.map(caseOf));
  }

  members(caseId: string): Promise<CaseMember[]> {
    if (!hasTable(this.db, 'cases')) return Promise.resolve([]);
    const rows = this.db
      .prepare('SELECT * FROM case_members WHERE case_id = ? ORDER BY added_at, kind, ref')
      .all(caseId) as MemberRow[];
    return Promise.resolve(rows.map(memberOf));
  }

  notes(caseId: string): Promise<CaseNote[]> {
    const rows = this.db
      .prepare('SELECT * FROM case_notes WHERE case_id = ? ORDER BY id')
      .all(caseId) as {
      case_id: string;
      author: string;
      text: string;
      at: string;
      event_id: string;
    }[];
    return Promise.resolve(
      rows.map((r) => ({
        caseId: r.case_id,
        author: r.author,
        text: r.text,
        at: r.at,
        eventId: r.event_id,
      })),
    );
  }

  triage(alertId: string): Promise<AlertTriage | undefined> {
    const row = this.db.prepare('SELECT * FROM alert_triage WHERE alert_id = ?').get(alertId) as
      TriageRow | undefined;
    return Promise.resolve(row && triageOf(row));
  }

  triages(): Promise<AlertTriage[]> {
    if (!hasTable(this.db, 'cases')) return Promise.resolve([]);
    const rows = this.db
      .prepare('SELECT * FROM alert_triage ORDER BY alert_id')
      .all() as TriageRow[];
    return Promise.resolve(rows.map(triageOf));
  }

  dismissals(): Promise<AlertTriage[]> {
    if (!hasTable(this.db, 'cases')) return Promise.resolve([]);
    const rows = this.db
      .prepare("SELECT * FROM alert_triage WHERE state = 'dismissed' ORDER BY until")
      .all() as TriageRow[];
    return Promise.resolve(rows.map(triageOf));
  }

  casesOf(kind: CaseMemberKind, ref: string): Promise<string[]> {
    const ids = this.db
      .prepare('SELECT case_id FROM case_members WHERE kind = ? AND ref = ? ORDER BY case_id')
      .pluck()
      .all(kind, ref) as string[];
    return Promise.resolve(ids);
  }

  accessOf(employee: string): Promise<AccessState | undefined> {
    const state = this.db
      .prepare('SELECT state FROM employee_access WHERE employee = ?')
      .pluck()
      .get(employee) as AccessState | undefined;
    return Promise.resolve(state);
  }

  accessRows(): Promise<{ employee: string; state: AccessState; eventId: string }[]> {
    if (!hasTable(this.db, 'cases')) return Promise.resolve([]);
    return Promise.resolve(
      this.db
        .prepare(
          'SELECT employee, state, event_id AS eventId FROM employee_access ORDER BY employee',
        )
        .all() as { employee: string; state: AccessState; eventId: string }[],
    );
  }

  outbox(which: 'pending' | 'all'): Promise<OutboxCommand[]> {
    if (!hasTable(this.db, 'cases')) return Promise.resolve([]);
    const rows = (
      which === 'pending'
        ? this.db
            .prepare('SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY created_at, id')
            .all()
        : this.db.prepare('SELECT * FROM outbox ORDER BY created_at, id').all()
    ) as OutboxRow[];
    return Promise.resolve(rows.map(outboxOf));
  }

  appeal(id: string): Promise<Appeal | undefined> {
    const r = this.db.prepare('SELECT * FROM appeals WHERE id = ?').get(id) as
      AppealRecord | undefined;
    return Promise.resolve(r && appealOfRow(r));
  }

  appeals(): Promise<Appeal[]> {
    const rows = this.db
      .prepare('SELECT * FROM appeals ORDER BY filed_at DESC, id DESC')
      .all() as AppealRecord[];
    return Promise.resolve(rows.map(appealOfRow));
  }

  erasureRequests(): Promise<ErasureRequest[]> {
    const rows = this.db
      .prepare('SELECT * FROM erasure_requests ORDER BY requested_at, subject')
      .all() as { subject: string; requested_by: string; requested_at: string; event_id: string }[];
    return Promise.resolve(
      rows.map((r) => ({
        subject: r.subject,
        requestedBy: r.requested_by,
        requestedAt: r.requested_at,
        eventId: r.event_id,
      })),
    );
  }

  catalogueOf(sellers: readonly string[]): Promise<{ products: string[]; reviews: string[] }> {
    if (sellers.length === 0) return Promise.resolve({ products: [], reviews: [] });
    return Promise.resolve(this.current.catalogueOf(sellers));
  }

  eventsAbout(actors: readonly string[], targets: readonly string[]): Promise<LeafEvent[]> {
    const byActor = this.db.prepare('SELECT * FROM events WHERE actor = ? ORDER BY leaf');
    const byTarget = this.db.prepare('SELECT * FROM events WHERE target_id = ? ORDER BY leaf');
    const found = new Map<number, EventRow>();
    for (const a of actors) for (const r of byActor.all(a) as EventRow[]) found.set(r.leaf, r);
    for (const t of targets) for (const r of byTarget.all(t) as EventRow[]) found.set(r.leaf, r);
    return Promise.resolve(
      [...found.values()]
        .sort((x, y) => x.leaf - y.leaf)
        .map((row) => ({ leaf: row.leaf, event: rowToEvent(row) })),
    );
  }
}

/** Case writes inside the open transaction. */
export class SqliteCasesWriter {
  constructor(private readonly db: Database.Database) {}

  putCase(c: StoredCase): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO cases (id, title, status, assignee, opened_by, opened_at,
           reveal_requested_by, revealed_by, revealed_at, held_at, held_by, event_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.id,
        c.title,
        c.status,
        c.assignee ?? null,
        c.openedBy,
        c.openedAt,
        c.revealRequestedBy ?? null,
        c.revealedBy ?? null,
        c.revealedAt ?? null,
        c.heldAt ?? null,
        c.heldBy ?? null,
        c.eventId,
      );
  }

  putCaseMember(m: CaseMember): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO case_members (case_id, kind, ref, detail, added_at, event_id)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(m.caseId, m.kind, m.ref, m.detail ?? null, m.addedAt, m.eventId);
  }

  addCaseNote(n: CaseNote): void {
    this.db
      .prepare(
        'INSERT INTO case_notes (case_id, author, text, at, event_id) VALUES (?, ?, ?, ?, ?)',
      )
      .run(n.caseId, n.author, n.text, n.at, n.eventId);
  }

  putTriage(t: AlertTriage): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO alert_triage (alert_id, detector, employee, state, by, at, reason,
           until, case_id, event_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        t.alertId,
        t.detector,
        t.employee,
        t.state,
        t.by,
        t.at,
        t.reason ?? null,
        t.until ?? null,
        t.caseId ?? null,
        t.eventId,
      );
  }
}

interface OutboxRow {
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

function outboxOf(r: OutboxRow): OutboxCommand {
  return {
    id: r.id,
    caseId: r.case_id,
    measure: r.measure,
    payload: r.payload,
    createdAt: r.created_at,
    eventId: r.event_id,
    ...(r.delivered_at === null ? {} : { deliveredAt: r.delivered_at }),
    attempts: r.attempts,
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
  };
}

/** Access, outbox: writes inside the open transaction. */
export function putAccess(
  db: Database.Database,
  employee: string,
  state: AccessState | undefined,
  eventId: string,
): void {
  if (state === undefined)
    db.prepare('DELETE FROM employee_access WHERE employee = ?').run(employee);
  else
    db.prepare(
      'INSERT OR REPLACE INTO employee_access (employee, state, event_id) VALUES (?, ?, ?)',
    ).run(employee, state, eventId);
}

export function putAppeal(db: Database.Database, a: Appeal): void {
  db.prepare(
    `INSERT OR REPLACE INTO appeals (id, case_id, measure_event, appellant, grounds, filed_by,
       filed_at, outcome, decided_by, decided_at, decision, event_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    a.id,
    a.caseId,
    a.measureEvent,
    a.appellant,
    a.grounds,
    a.filedBy,
    a.filedAt,
    a.outcome ?? null,
    a.decidedBy ?? null,
    a.decidedAt ?? null,
    a.decision ?? null,
    a.eventId,
  );
}

export function putOutbox(db: Database.Database, c: OutboxCommand): void {
  db.prepare(
    `INSERT OR IGNORE INTO outbox (id, case_id, measure, payload, created_at, event_id, attempts)
     VALUES (?, ?, ?, ?, ?, ?, 0)`,
  ).run(c.id, c.caseId, c.measure, c.payload, c.createdAt, c.eventId);
}

export function outboxAttempt(
  db: Database.Database,
  id: string,
  result: { deliveredAt: string } | { error: string },
): void {
  if ('deliveredAt' in result)
    db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?',
    ).run(result.deliveredAt, id);
  else
    db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?').run(
      result.error.slice(0, 500),
      id,
    );
}

/** Erasure requests inside the open transaction. */
export function putErasureRequest(db: Database.Database, r: ErasureRequest): void {
  db.prepare(
    `INSERT OR IGNORE INTO erasure_requests (subject, requested_by, requested_at, event_id)
     VALUES (?, ?, ?, ?)`,
  ).run(r.subject, r.requestedBy, r.requestedAt, r.eventId);
}

export function deleteErasureRequest(db: Database.Database, subject: string): void {
  db.prepare('DELETE FROM erasure_requests WHERE subject = ?').run(subject);
}

/** The held cases that name `subject` (any member kind); [] before migration 7. */
export function holdsOn(db: Database.Database, subject: string): string[] {
  if (!hasTable(db, 'case_members')) return [];
  return db
    .prepare(
      `SELECT c.id FROM case_members m JOIN cases c ON c.id = m.case_id
       WHERE m.kind IN ('employee', 'seller', 'reviewer') AND m.ref = ? AND c.held_at IS NOT NULL
       ORDER BY c.id`,
    )
    .pluck()
    .all(subject) as string[];
}

function caseOf(r: CaseRow): StoredCase {
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    ...(r.assignee === null ? {} : { assignee: r.assignee }),
    openedBy: r.opened_by,
    openedAt: r.opened_at,
    ...(r.reveal_requested_by === null ? {} : { revealRequestedBy: r.reveal_requested_by }),
    ...(r.revealed_by === null ? {} : { revealedBy: r.revealed_by }),
    ...(r.revealed_at === null ? {} : { revealedAt: r.revealed_at }),
    ...(r.held_at === null ? {} : { heldAt: r.held_at }),
    ...(r.held_by === null ? {} : { heldBy: r.held_by }),
    eventId: r.event_id,
  };
}

function memberOf(r: MemberRow): CaseMember {
  return {
    caseId: r.case_id,
    kind: r.kind,
    ref: r.ref,
    ...(r.detail === null ? {} : { detail: r.detail }),
    addedAt: r.added_at,
    eventId: r.event_id,
  };
}

function triageOf(r: TriageRow): AlertTriage {
  return {
    alertId: r.alert_id,
    detector: r.detector,
    employee: r.employee,
    state: r.state,
    by: r.by,
    at: r.at,
    ...(r.reason === null ? {} : { reason: r.reason }),
    ...(r.until === null ? {} : { until: r.until }),
    ...(r.case_id === null ? {} : { caseId: r.case_id }),
    eventId: r.event_id,
  };
}

type AppealRecord = Record<string, string | null>;

function appealOfRow(r: AppealRecord): Appeal {
  const opt = (k: string, v: string | null | undefined): Record<string, string> =>
    v === null || v === undefined ? {} : { [k]: v };
  return {
    id: r['id'] ?? '',
    caseId: r['case_id'] ?? '',
    measureEvent: r['measure_event'] ?? '',
    appellant: r['appellant'] ?? '',
    grounds: r['grounds'] ?? '',
    filedBy: r['filed_by'] ?? '',
    filedAt: r['filed_at'] ?? '',
    ...(r['outcome'] === null || r['outcome'] === undefined
      ? {}
      : { outcome: r['outcome'] as 'upheld' | 'overturned' }),
    ...opt('decidedBy', r['decided_by']),
    ...opt('decidedAt', r['decided_at']),
    ...opt('decision', r['decision']),
    eventId: r['event_id'] ?? '',
  };
}
