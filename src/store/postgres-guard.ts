import type {
  AliasIssue,
  ApprovalStatus,
  GuardRepository,
  LeafEvent,
  StoredApproval,
} from './ports.js';
import type { PgConnection } from './postgres-connection.js';
import { aliasOf, approvalOf, leafEventOf, type AliasRow, type ApprovalRow } from './guard-rows.js';
import type { EventRow } from './sqlite-rows.js';

const APPROVAL = 'SELECT * FROM approvals';
const ALIAS = 'SELECT alias, event_id, viewer, reviewer, issued_at, ticket FROM relay_aliases';

/** The guard's approvals and relay-alias hand-outs on PostgreSQL, read side. */
export class PgGuard implements GuardRepository {
  constructor(private readonly c: PgConnection) {}

  async approval(id: string): Promise<StoredApproval | undefined> {
    const [row] = await this.c.rows<ApprovalRow>(`${APPROVAL} WHERE id = $1`, [id]);
    return row && approvalOf(row);
  }

  async approvals(status?: ApprovalStatus): Promise<StoredApproval[]> {
    const rows =
      status === undefined
        ? await this.c.rows<ApprovalRow>(`${APPROVAL} ORDER BY created_at DESC, id`)
        : await this.c.rows<ApprovalRow>(
            `${APPROVAL} WHERE status = $1 ORDER BY created_at DESC, id`,
            [status],
          );
    return rows.map(approvalOf);
  }

  async aliasIssues(alias: string): Promise<AliasIssue[]> {
    const rows = await this.c.rows<AliasRow>(`${ALIAS} WHERE alias = $1 ORDER BY issued_at, seq`, [
      alias,
    ]);
    return rows.map(aliasOf);
  }

  async *allAliasIssues(): AsyncIterable<AliasIssue> {
    const rows = await this.c.rows<AliasRow>(`${ALIAS} ORDER BY issued_at, seq`);
    for (const row of rows) yield aliasOf(row);
  }

  async approvalEvents(approvalId: string): Promise<LeafEvent[]> {
    const rows = await this.c.rows<EventRow>(
      'SELECT * FROM events WHERE approval_id = $1 ORDER BY leaf',
      [approvalId],
    );
    return rows.map(leafEventOf);
  }

  async lastEvent(action: string, outcome: string): Promise<LeafEvent | undefined> {
    const [row] = await this.c.rows<EventRow>(
      'SELECT * FROM events WHERE action = $1 AND outcome = $2 ORDER BY leaf DESC LIMIT 1',
      [action, outcome],
    );
    return row && leafEventOf(row);
  }

  async *eventsOf(action: string, outcome: string, decided = false): AsyncIterable<LeafEvent> {
    const only = decided ? ' AND decided' : '';
    const rows = await this.c.rows<EventRow>(
      `SELECT * FROM events WHERE action = $1 AND outcome = $2${only} ORDER BY leaf`,
      [action, outcome],
    );
    for (const row of rows) yield leafEventOf(row);
  }
}

/** Stores an approval, or its new state (same id). */
export async function putApproval(c: PgConnection, a: StoredApproval): Promise<void> {
  await c.run(
    `INSERT INTO approvals (id, requester, action, target_type, target_id, request, sellers,
       created_at, expires_at, status, request_event, decided_by, decided_at, executed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (id) DO UPDATE SET requester = EXCLUDED.requester, action = EXCLUDED.action,
       target_type = EXCLUDED.target_type, target_id = EXCLUDED.target_id,
       request = EXCLUDED.request, sellers = EXCLUDED.sellers, created_at = EXCLUDED.created_at,
       expires_at = EXCLUDED.expires_at, status = EXCLUDED.status,
       request_event = EXCLUDED.request_event, decided_by = EXCLUDED.decided_by,
       decided_at = EXCLUDED.decided_at, executed_at = EXCLUDED.executed_at`,
    [
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
    ],
  );
}

/** Records a hand-out of an alias, once per (alias, event). */
export async function recordAliasIssue(c: PgConnection, i: AliasIssue): Promise<void> {
  await c.run(
    `INSERT INTO relay_aliases (alias, event_id, viewer, reviewer, issued_at, ticket)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (alias, event_id) DO NOTHING`,
    [i.alias, i.eventId, i.viewer, i.reviewer, i.issuedAt, i.ticket ?? null],
  );
}
