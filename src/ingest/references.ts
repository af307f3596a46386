import type { DirectoryKind, InterchangeRecord } from '../domain/index.js';
import { TICKET_OPENERS } from '../domain/index.js';

const OUTSIDE_OPENERS = new Set<string>(TICKET_OPENERS);

/** A reference from a record to a directory record that was not found by the end of the batch. */
export interface DanglingReference {
  readonly kind: DirectoryKind;
  readonly id: string;
  /** The first line that named it, and how many lines did. */
  readonly firstLine: number;
  readonly count: number;
  /** What named it, e.g. `event.actor`. */
  readonly from: string;
}

/**
 * Collects, during a batch, every directory id the directory records name (the events'
 * references are looked up by the store at the end of the batch), so that the ones still
 * unknown at the end of the batch can be reported (directory records may come after the
 * events that name them, so only the end of a batch can tell).
 */
export class ReferenceCollector {
  private readonly refs = new Map<
    DirectoryKind,
    Map<string, { firstLine: number; count: number; from: string }>
  >();

  add(record: InterchangeRecord, line: number): void {
    switch (record.kind) {
      case 'event': // the store finds the events' dangling references in one query per batch
        return;
      case 'employee':
        if (record.body.manager !== undefined)
          this.ref('employee', record.body.manager, line, 'employee.manager');
        return;
      case 'product':
        this.ref('seller', record.body.sellerId, line, 'product.sellerId');
        return;
      case 'review':
        this.ref('product', record.body.productId, line, 'review.productId');
        this.ref('reviewer', record.body.reviewerId, line, 'review.reviewerId');
        return;
      case 'assignment':
        this.ref('employee', record.body.employeeId, line, 'assignment.employeeId');
        this.ref('seller', record.body.sellerId, line, 'assignment.sellerId');
        return;
      case 'ticket':
        this.addTicket(record.body, line);
        return;
      case 'report':
        this.ref('review', record.body.reviewId, line, 'report.reviewId');
        return;
      case 'seller':
      case 'reviewer':
        return;
    }
  }

  /** The references, kind by kind, for the caller to check against the store. */
  byKind(): [DirectoryKind, Map<string, { firstLine: number; count: number; from: string }>][] {
    return [...this.refs.entries()];
  }

  private addTicket(t: Extract<InterchangeRecord, { kind: 'ticket' }>['body'], line: number): void {
    this.ref('seller', t.sellerId, line, 'ticket.sellerId');
    if (t.assigneeId !== undefined) this.ref('employee', t.assigneeId, line, 'ticket.assigneeId');
    if (t.openedBy !== undefined && !OUTSIDE_OPENERS.has(t.openedBy)) {
      this.ref('employee', t.openedBy, line, 'ticket.openedBy');
    }
    if (t.reviewId !== undefined) this.ref('review', t.reviewId, line, 'ticket.reviewId');
    for (const s of t.relatedSellerIds ?? [])
      this.ref('seller', s, line, 'ticket.relatedSellerIds');
  }

  private ref(kind: DirectoryKind, id: string, line: number, from: string): void {
    let ids = this.refs.get(kind);
    if (!ids) {
      ids = new Map<string, { firstLine: number; count: number; from: string }>();
      this.refs.set(kind, ids);
    }
    const seen = ids.get(id);
    if (seen) seen.count++;
    else ids.set(id, { firstLine: line, count: 1, from });
  }
}
