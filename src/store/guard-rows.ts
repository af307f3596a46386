import type { TargetType } from '../domain/index.js';
import type { AliasIssue, ApprovalStatus, LeafEvent, StoredApproval } from './ports.js';
import { rowToEvent, type EventRow } from './sqlite-rows.js';

// The guard's rows as both SQL adapters read them (the same columns in SQLite and PostgreSQL).

/** An `approvals` row. */
export interface ApprovalRow {
  id: string;
  requester: string;
  action: string;
  target_type: TargetType;
  target_id: string;
  request: string;
  sellers: string;
  created_at: string;
  expires_at: string;
  status: ApprovalStatus;
  request_event: string;
  decided_by: string | null;
  decided_at: string | null;
  executed_at: string | null;
}

/** A `relay_aliases` row. */
export interface AliasRow {
  alias: string;
  event_id: string;
  viewer: string;
  reviewer: string;
  issued_at: string;
  ticket: string | null;
}

/** An event row with its leaf. */
export function leafEventOf(row: EventRow): LeafEvent {
  return { leaf: row.leaf, event: rowToEvent(row) };
}

/** An approval from its row. */
export function approvalOf(r: ApprovalRow): StoredApproval {
  return {
    id: r.id,
    requester: r.requester,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    request: r.request,
    sellers: JSON.parse(r.sellers) as string[],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    status: r.status,
    requestEvent: r.request_event,
    ...(r.decided_by === null ? {} : { decidedBy: r.decided_by }),
    ...(r.decided_at === null ? {} : { decidedAt: r.decided_at }),
    ...(r.executed_at === null ? {} : { executedAt: r.executed_at }),
  };
}

/** A relay-alias hand-out from its row. */
export function aliasOf(r: AliasRow): AliasIssue {
  return {
    alias: r.alias,
    viewer: r.viewer,
    reviewer: r.reviewer,
    issuedAt: r.issued_at,
    eventId: r.event_id,
    ...(r.ticket === null ? {} : { ticket: r.ticket }),
  };
}
