import type { LeafEvent } from './ports.js';
import type {
  AccessState,
  AlertTriage,
  Appeal,
  CaseMember,
  CaseMemberKind,
  CaseNote,
  CaseRepository,
  ErasureRequest,
  OutboxCommand,
  StoredCase,
} from './ports-cases.js';
import type { PgConnection } from './postgres-connection.js';
import {
  appealOf,
  caseOf,
  memberOf,
  outboxOf,
  triageOf,
  type AppealRow,
  type CaseRow,
  type MemberRow,
  type OutboxRow,
  type TriageRow,
} from './postgres-case-rows.js';
import { rowToEvent, type EventRow } from './sqlite-rows.js';

/**
 * Cases, their members and notes, alert triage, the outbox and appeals on PostgreSQL, read
 * side: the same answers in the same order as `SqliteCases` (sorted text is `COLLATE "C"`,
 * byte order as in SQLite; a dismissal without `until` first, as SQLite sorts NULL).
 */
export class PgCases implements CaseRepository {
  constructor(private readonly c: PgConnection) {}

  async get(id: string): Promise<StoredCase | undefined> {
    const [row] = await this.c.rows<CaseRow>('SELECT * FROM cases WHERE id = $1', [id]);
    return row && caseOf(row);
  }

  async list(): Promise<StoredCase[]> {
    const rows = await this.c.rows<CaseRow>('SELECT * FROM cases ORDER BY opened_at DESC, id');
    return rows.map(caseOf);
  }

  async members(caseId: string): Promise<CaseMember[]> {
    const rows = await this.c.rows<MemberRow>(
      'SELECT * FROM case_members WHERE case_id = $1 ORDER BY added_at, kind, ref',
      [caseId],
    );
    return rows.map(memberOf);
  }

  notes(caseId: string): Promise<CaseNote[]> {
    return this.c.rows<CaseNote>(
      `SELECT case_id AS "caseId", author, text, at, event_id AS "eventId" FROM case_notes
       WHERE case_id = $1 ORDER BY id`,
      [caseId],
    );
  }

  async triage(alertId: string): Promise<AlertTriage | undefined> {
    const [row] = await this.c.rows<TriageRow>('SELECT * FROM alert_triage WHERE alert_id = $1', [
      alertId,
    ]);
    return row && triageOf(row);
  }

  async triages(): Promise<AlertTriage[]> {
    const rows = await this.c.rows<TriageRow>('SELECT * FROM alert_triage ORDER BY alert_id');
    return rows.map(triageOf);
  }

  async dismissals(): Promise<AlertTriage[]> {
    const rows = await this.c.rows<TriageRow>(
      "SELECT * FROM alert_triage WHERE state = 'dismissed' ORDER BY until NULLS FIRST, alert_id",
    );
    return rows.map(triageOf);
  }

  async casesOf(kind: CaseMemberKind, ref: string): Promise<string[]> {
    const rows = await this.c.arrays<[string]>(
      'SELECT case_id FROM case_members WHERE kind = $1 AND ref = $2 ORDER BY case_id',
      [kind, ref],
    );
    return rows.map(([id]) => id);
  }

  accessOf(employee: string): Promise<AccessState | undefined> {
    return this.c.value<AccessState>('SELECT state FROM employee_access WHERE employee = $1', [
      employee,
    ]);
  }
  accessRows(): Promise<{ employee: string; state: AccessState; eventId: string }[]> {
    return this.c.rows<{ employee: string; state: AccessState; eventId: string }>(
      `SELECT employee, state, event_id AS "eventId" FROM employee_access
       ORDER BY employee COLLATE "C"`,
    );
  }

  async outbox(which: 'pending' | 'all'): Promise<OutboxCommand[]> {
    const pending = which === 'pending' ? ' WHERE delivered_at IS NULL' : '';
    const rows = await this.c.rows<OutboxRow>(
      `SELECT * FROM outbox${pending} ORDER BY created_at, id`,
    );
    return rows.map(outboxOf);
  }

  async appeal(id: string): Promise<Appeal | undefined> {
    const [row] = await this.c.rows<AppealRow>('SELECT * FROM appeals WHERE id = $1', [id]);
    return row && appealOf(row);
  }

  async appeals(): Promise<Appeal[]> {
    const rows = await this.c.rows<AppealRow>(
      'SELECT * FROM appeals ORDER BY filed_at DESC, id DESC',
    );
    return rows.map(appealOf);
  }

  erasureRequests(): Promise<ErasureRequest[]> {
    return this.c.rows<ErasureRequest>(
      `SELECT subject, requested_by AS "requestedBy", requested_at AS "requestedAt",
         event_id AS "eventId" FROM erasure_requests ORDER BY requested_at, subject`,
    );
  }

  async catalogueOf(
    sellers: readonly string[],
  ): Promise<{ products: string[]; reviews: string[] }> {
    if (sellers.length === 0) return { products: [], reviews: [] };
    // the JSON escape of NUL, which PostgreSQL's JSON operators refuse, is read as U+FFFD
    const of = (kind: string, field: string): string =>
      `SELECT convert_from(c.key, 'UTF8') FROM directory_current c
         JOIN directory_versions v ON v.leaf = c.leaf
       WHERE c.kind = '${kind}'
         AND replace(v.payload, '\\u0000', '\\ufffd')::json ->> '${field}' = ANY($1::text[])
       ORDER BY c.key`;
    const products = (await this.c.arrays<[string]>(of('product', 'sellerId'), [sellers])).map(
      ([k]) => k,
    );
    if (products.length === 0) return { products, reviews: [] };
    const reviews = (await this.c.arrays<[string]>(of('review', 'productId'), [products])).map(
      ([k]) => k,
    );
    return { products, reviews };
  }

  /** One statement: the server unites the actor and target index scans (each event once). */
  async eventsAbout(actors: readonly string[], targets: readonly string[]): Promise<LeafEvent[]> {
    if (actors.length === 0 && targets.length === 0) return [];
    const rows = await this.c.rows<EventRow>(
      `SELECT * FROM events WHERE actor = ANY($1::text[]) OR target_id = ANY($2::text[])
       ORDER BY leaf`,
      [actors, targets],
    );
    return rows.map((row) => ({ leaf: row.leaf, event: rowToEvent(row) }));
  }
}

/**
 * Which held cases name each subject, kept in memory: the vault asks synchronously
 * (`DataKeyRepository.holdsOn`). Loaded when the store opens, again at each `begin()` (under
 * the writer lock, so a hold another process placed is seen before this one writes), after
 * each case write of the open transaction (its own holds), and after a rollback.
 */
export class PgHolds {
  private bySubject = new Map<string, string[]>();
  /** The case tables were found (once there, they stay: one round trip less per `begin()`). */
  private tables = false;

  constructor(private readonly c: PgConnection) {}

  async load(): Promise<void> {
    const next = new Map<string, string[]>();
    // a schema read as it is may predate migration 4: no cases, no holds
    this.tables ||=
      (await this.c.value<string | null>("SELECT to_regclass('case_members')::text")) != null;
    if (this.tables) {
      const rows = await this.c.arrays<[string, string]>(
        `SELECT m.ref, c.id FROM case_members m JOIN cases c ON c.id = m.case_id
         WHERE m.kind IN ('employee', 'seller', 'reviewer') AND c.held_at IS NOT NULL
         ORDER BY m.ref, c.id`,
      );
      for (const [ref, id] of rows) next.set(ref, [...(next.get(ref) ?? []), id]);
    }
    this.bySubject = next;
  }

  /** The held cases whose members name `subject`, by case id; none: []. */
  on(subject: string): string[] {
    return [...(this.bySubject.get(subject) ?? [])];
  }
}
