import type {
  AccessState,
  AlertTriage,
  Appeal,
  CaseMember,
  CaseNote,
  ErasureRequest,
  OutboxCommand,
  StoredCase,
} from './ports-cases.js';
import type { PgConnection } from './postgres-connection.js';

/**
 * Case writes inside the store's open transaction, each what its SQLite twin does
 * (`sqlite-cases.ts`): `INSERT OR REPLACE` is an upsert of every column, `INSERT OR IGNORE`
 * keeps the row already stored.
 */

/** Stores a case, or its new state (same id). */
export async function putCase(c: PgConnection, k: StoredCase): Promise<void> {
  await c.run(
    `INSERT INTO cases (id, title, status, assignee, opened_by, opened_at, reveal_requested_by,
       revealed_by, revealed_at, held_at, held_by, event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, status = EXCLUDED.status,
       assignee = EXCLUDED.assignee, opened_by = EXCLUDED.opened_by,
       opened_at = EXCLUDED.opened_at, reveal_requested_by = EXCLUDED.reveal_requested_by,
       revealed_by = EXCLUDED.revealed_by, revealed_at = EXCLUDED.revealed_at,
       held_at = EXCLUDED.held_at, held_by = EXCLUDED.held_by, event_id = EXCLUDED.event_id`,
    [
      k.id,
      k.title,
      k.status,
      k.assignee ?? null,
      k.openedBy,
      k.openedAt,
      k.revealRequestedBy ?? null,
      k.revealedBy ?? null,
      k.revealedAt ?? null,
      k.heldAt ?? null,
      k.heldBy ?? null,
      k.eventId,
    ],
  );
}

/** Adds a subject or alert to a case; one already there keeps its first record. */
export async function putCaseMember(c: PgConnection, m: CaseMember): Promise<void> {
  await c.run(
    `INSERT INTO case_members (case_id, kind, ref, detail, added_at, event_id)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id, kind, ref) DO NOTHING`,
    [m.caseId, m.kind, m.ref, m.detail ?? null, m.addedAt, m.eventId],
  );
}

export async function addCaseNote(c: PgConnection, n: CaseNote): Promise<void> {
  await c.run(
    'INSERT INTO case_notes (case_id, author, text, at, event_id) VALUES ($1, $2, $3, $4, $5)',
    [n.caseId, n.author, n.text, n.at, n.eventId],
  );
}

/** Stores what was done with an alert, replacing what was done before. */
export async function putTriage(c: PgConnection, t: AlertTriage): Promise<void> {
  await c.run(
    `INSERT INTO alert_triage (alert_id, detector, employee, state, "by", at, reason, until,
       case_id, event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (alert_id) DO UPDATE SET detector = EXCLUDED.detector,
       employee = EXCLUDED.employee, state = EXCLUDED.state, "by" = EXCLUDED."by",
       at = EXCLUDED.at, reason = EXCLUDED.reason, until = EXCLUDED.until,
       case_id = EXCLUDED.case_id, event_id = EXCLUDED.event_id`,
    [
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
    ],
  );
}

export async function putErasureRequest(c: PgConnection, r: ErasureRequest): Promise<void> {
  await c.run(
    `INSERT INTO erasure_requests (subject, requested_by, requested_at, event_id)
     VALUES ($1, $2, $3, $4) ON CONFLICT (subject) DO NOTHING`,
    [r.subject, r.requestedBy, r.requestedAt, r.eventId],
  );
}

export async function deleteErasureRequest(c: PgConnection, subject: string): Promise<void> {
  await c.run('DELETE FROM erasure_requests WHERE subject = $1', [subject]);
}

/** Sets an employee's suspension or revocation, or with `undefined` lifts it. */
export async function putAccess(
  c: PgConnection,
  employee: string,
  state: AccessState | undefined,
  eventId: string,
): Promise<void> {
  if (state === undefined) {
    await c.run('DELETE FROM employee_access WHERE employee = $1', [employee]);
    return;
  }
  await c.run(
    `INSERT INTO employee_access (employee, state, event_id) VALUES ($1, $2, $3)
     ON CONFLICT (employee) DO UPDATE SET state = EXCLUDED.state, event_id = EXCLUDED.event_id`,
    [employee, state, eventId],
  );
}

export async function putAppeal(c: PgConnection, a: Appeal): Promise<void> {
  await c.run(
    `INSERT INTO appeals (id, case_id, measure_event, appellant, grounds, filed_by, filed_at,
       outcome, decided_by, decided_at, decision, event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (id) DO UPDATE SET case_id = EXCLUDED.case_id,
       measure_event = EXCLUDED.measure_event, appellant = EXCLUDED.appellant,
       grounds = EXCLUDED.grounds, filed_by = EXCLUDED.filed_by, filed_at = EXCLUDED.filed_at,
       outcome = EXCLUDED.outcome, decided_by = EXCLUDED.decided_by,
       decided_at = EXCLUDED.decided_at, decision = EXCLUDED.decision,
       event_id = EXCLUDED.event_id`,
    [
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
    ],
  );
}

/** Queues a command once per id (a repeat keeps the first, with its delivery state). */
export async function putOutbox(c: PgConnection, o: OutboxCommand): Promise<void> {
  await c.run(
    `INSERT INTO outbox (id, case_id, measure, payload, created_at, event_id, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (id) DO NOTHING`,
    [o.id, o.caseId, o.measure, o.payload, o.createdAt, o.eventId],
  );
}

/** Counts a delivery attempt: delivered (the last error cleared), or failed with its error. */
export async function outboxAttempt(
  c: PgConnection,
  id: string,
  result: { deliveredAt: string } | { error: string },
): Promise<void> {
  if ('deliveredAt' in result) {
    await c.run(
      'UPDATE outbox SET attempts = attempts + 1, delivered_at = $1, last_error = NULL WHERE id = $2',
      [result.deliveredAt, id],
    );
  } else {
    await c.run('UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2', [
      result.error.slice(0, 500),
      id,
    ]);
  }
}
