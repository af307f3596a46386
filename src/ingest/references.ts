import type { DirectoryKind, InterchangeRecord } from '../domain/index.js';
import { TICKET_OPENERS } from '../domain/index.js';

const OUTSIDE_OPENERS = new Set<string>(TICKET_OPENERS);

/** What in a directory record names another (`DanglingReference.from`); at most 16. */
const FROM = [
  'employee.manager',
  'product.sellerId',
  'review.productId',
  'review.reviewerId',
  'assignment.employeeId',
  'assignment.sellerId',
  'ticket.sellerId',
  'ticket.assigneeId',
  'ticket.openedBy',
  'ticket.reviewId',
  'ticket.relatedSellerIds',
  'report.reviewId',
] as const;
type From = (typeof FROM)[number];
const FROM_INDEX = new Map<string, number>(FROM.map((f, i) => [f, i]));

/** A reference from a record to a directory record that was not found by the end of the batch. */
export interface DanglingReference {
  readonly kind: DirectoryKind;
  readonly id: string;
  /** The first line that named it. */
  readonly firstLine: number;
  /** What named it, e.g. `event.actor`. */
  readonly from: string;
}

/**
 * Collects, during a batch, every directory id the records name, so that the ones still
 * unknown at the end of the batch can be reported (directory records may come after the
 * events that name them, so only the end of a batch can tell).
 */
export class ReferenceCollector {
  /**
   * Per kind, per id: its first line and what named it there, as `line × 16 + FROM index`
   * (one number per id, no object: a directory names hundreds of thousands of ids).
   */
  private readonly refs = new Map<DirectoryKind, Map<string, number>>();
  // Events name the same few ids over and over: on that hot path, one Map lookup per id.
  private readonly actors = new Map<string, number>();
  private readonly tickets = new Map<string, number>();
  private readonly targets = {
    seller: new Map<string, number>(),
    review: new Map<string, number>(),
    reviewer: new Map<string, number>(),
    product: new Map<string, number>(),
  };

  add(record: InterchangeRecord, line: number): void {
    switch (record.kind) {
      case 'event': {
        const e = record.body;
        this.seen(this.actors, e.actor, line);
        if (e.target.type !== 'dataset') this.seen(this.targets[e.target.type], e.target.id, line);
        if (e.ticket !== undefined) this.seen(this.tickets, e.ticket, line);
        return;
      }
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

  /** How many distinct ids are held (what `forgetFound` keeps bounded). */
  get size(): number {
    let n = this.actors.size + this.tickets.size;
    for (const ids of Object.values(this.targets)) n += ids.size;
    for (const ids of this.refs.values()) n += ids.size;
    return n;
  }

  /**
   * Forgets the ids that `existing` finds (in the batch's own transaction, so records written
   * earlier in the batch count): they can no longer dangle. Keeps memory to the ids still
   * unresolved rather than every id a long batch ever named.
   */
  async forgetFound(
    existing: (kind: DirectoryKind, ids: readonly string[]) => Promise<Set<string>>,
  ): Promise<void> {
    const prune = async (kind: DirectoryKind, ids: Map<string, unknown>): Promise<void> => {
      for (const id of await existing(kind, [...ids.keys()])) ids.delete(id);
    };
    await prune('employee', this.actors);
    await prune('ticket', this.tickets);
    for (const [kind, ids] of Object.entries(this.targets)) await prune(kind as DirectoryKind, ids);
    for (const [kind, ids] of this.refs) await prune(kind, ids);
  }

  /** The references, kind by kind, for the caller to check against the store. */
  byKind(): [DirectoryKind, Map<string, { firstLine: number; from: string }>][] {
    const out = new Map<DirectoryKind, Map<string, { firstLine: number; from: string }>>();
    for (const [kind, ids] of this.refs) {
      const into = new Map<string, { firstLine: number; from: string }>();
      for (const [id, at] of ids)
        into.set(id, { firstLine: Math.floor(at / 16), from: FROM[at % 16]! });
      out.set(kind, into);
    }
    const merge = (kind: DirectoryKind, ids: Map<string, number>, from: string): void => {
      const into = out.get(kind) ?? new Map<string, { firstLine: number; from: string }>();
      for (const [id, firstLine] of ids) {
        const had = into.get(id);
        if (!had || had.firstLine > firstLine) into.set(id, { firstLine, from });
      }
      if (into.size > 0) out.set(kind, into);
    };
    merge('employee', this.actors, 'event.actor');
    merge('ticket', this.tickets, 'event.ticket');
    for (const [kind, ids] of Object.entries(this.targets))
      merge(kind as DirectoryKind, ids, 'event.target');
    return [...out.entries()];
  }

  private seen(ids: Map<string, number>, id: string, line: number): void {
    if (!ids.has(id)) ids.set(id, line);
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

  private ref(kind: DirectoryKind, id: string, line: number, from: From): void {
    let ids = this.refs.get(kind);
    if (!ids) {
      ids = new Map<string, number>();
      this.refs.set(kind, ids);
    }
    if (!ids.has(id)) ids.set(id, line * 16 + FROM_INDEX.get(from)!);
  }
}
