import type Database from 'better-sqlite3';
import type {
  AliasIssue,
  ApprovalStatus,
  GuardRepository,
  LeafEvent,
  StoredApproval,
} from './ports.js';
import { hasTable } from './sqlite-tables.js';
import { aliasOf, approvalOf, leafEventOf, type AliasRow, type ApprovalRow } from './guard-rows.js';
import type { EventRow } from './sqlite-rows.js';

const SELECT_APPROVAL = 'SELECT * FROM approvals';

/** The guard's approvals and relay-alias hand-outs, read side. */
export class SqliteGuard implements GuardRepository {
  /** `eventsOf`'s statement, with the decided filter and without. */
  private readonly byAction = new Map<boolean, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  approval(id: string): Promise<StoredApproval | undefined> {
    const row = this.db.prepare(`${SELECT_APPROVAL} WHERE id = ?`).get(id) as
      ApprovalRow | undefined;
    return Promise.resolve(row && approvalOf(row));
  }

  approvals(status?: ApprovalStatus): Promise<StoredApproval[]> {
    const rows = (
      status === undefined
        ? this.db.prepare(`${SELECT_APPROVAL} ORDER BY created_at DESC, id`).all()
        : this.db
            .prepare(`${SELECT_APPROVAL} WHERE status = ? ORDER BY created_at DESC, id`)
            .all(status)
    ) as ApprovalRow[];
    return Promise.resolve(rows.map(approvalOf));
  }

  aliasIssues(alias: string): Promise<AliasIssue[]> {
    const rows = this.db
      .prepare('SELECT * FROM relay_aliases WHERE alias = ? ORDER BY issued_at, rowid')
      .all(alias) as AliasRow[];
    return Promise.resolve(rows.map(aliasOf));
  }

  async *allAliasIssues(): AsyncIterable<AliasIssue> {
    // a database read as it is, from before migration 3 (a crash between migrations), has none
    if (!hasTable(this.db, 'relay_aliases')) return;
    const stmt = this.db.prepare('SELECT * FROM relay_aliases ORDER BY issued_at, rowid');
    for (const row of stmt.iterate() as Iterable<AliasRow>)
      yield await Promise.resolve(aliasOf(row));
  }

  approvalEvents(approvalId: string): Promise<LeafEvent[]> {
    const rows = this.db
      .prepare("SELECT * FROM events WHERE json_extract(attrs, '$.approvalId') = ? ORDER BY leaf")
      .all(approvalId) as EventRow[];
    return Promise.resolve(rows.map(leafEventOf));
  }

  lastEvent(action: string, outcome: string): Promise<LeafEvent | undefined> {
    const row = this.db
      .prepare('SELECT * FROM events WHERE action = ? AND outcome = ? ORDER BY leaf DESC LIMIT 1')
      .get(action, outcome) as EventRow | undefined;
    return Promise.resolve(row && leafEventOf(row));
  }

  async *eventsOf(action: string, outcome: string, decided = false): AsyncIterable<LeafEvent> {
    // prepared once per kind (authentication asks for the token revocations on every request)
    let stmt = this.byAction.get(decided);
    if (!stmt) {
      const only = decided ? " AND json_extract(attrs, '$.decision') IS NOT NULL" : '';
      stmt = this.db.prepare(
        `SELECT * FROM events WHERE action = ? AND outcome = ?${only} ORDER BY leaf`,
      );
      this.byAction.set(decided, stmt);
    }
    const rows = stmt.all(action, outcome) as EventRow[];
    for (const row of rows) yield await Promise.resolve(leafEventOf(row));
  }
}

/** The guard's writes, inside a store transaction. */
export class SqliteGuardWriter {
  private readonly putApprovalStmt: Database.Statement;
  private readonly putAliasStmt: Database.Statement;

  constructor(db: Database.Database) {
    this.putApprovalStmt = db.prepare(
      `INSERT OR REPLACE INTO approvals (id, requester, action, target_type, target_id, request,
         sellers, created_at, expires_at, status, request_event, decided_by, decided_at, executed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.putAliasStmt = db.prepare(
      `INSERT OR IGNORE INTO relay_aliases (alias, event_id, viewer, reviewer, issued_at, ticket)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
  }

  putApproval(a: StoredApproval): void {
    this.putApprovalStmt.run(
      a.id,
      a.requester,
      a.action,
      a.targetType,
      a.targetId,
      a.request,
      JSON.stringify(a.sellers),
      a.createdAt,
      a.expiresAt,
      a.status,
      a.requestEvent,
      a.decidedBy ?? null,
      a.decidedAt ?? null,
      a.executedAt ?? null,
    );
  }

  recordAliasIssue(i: AliasIssue): void {
    this.putAliasStmt.run(i.alias, i.eventId, i.viewer, i.reviewer, i.issuedAt, i.ticket ?? null);
  }
}
