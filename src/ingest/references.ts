import type { DirectoryKind, InterchangeRecord } from '../domain/index.js';
import { TICKET_OPENERS } from '../domain/index.js';

const OUTSIDE_OPENERS = new Set<string>(TICKET_OPENERS);

/** What in a directory record names another (`DanglingReference.from`, at most 16), and its kind. */
const FROM = [
  ['employee.manager', 'employee'],
  ['product.sellerId', 'seller'],
  ['review.productId', 'product'],
  ['review.reviewerId', 'reviewer'],
  ['assignment.employeeId', 'employee'],
  ['assignment.sellerId', 'seller'],
  ['ticket.sellerId', 'seller'],
  ['ticket.assigneeId', 'employee'],
  ['ticket.openedBy', 'employee'],
  ['ticket.reviewId', 'review'],
  ['ticket.relatedSellerIds', 'seller'],
  ['report.reviewId', 'review'],
] as const satisfies readonly (readonly [string, DirectoryKind])[];
const FROM_NAME: readonly string[] = FROM.map(([name]) => name);
const FROM_KIND: readonly DirectoryKind[] = FROM.map(([, kind]) => kind);
/** Per FROM index, a number for the kind it names (FROM indexes naming one kind share it). */
export const FROM_KIND_INDEX: readonly number[] = FROM_KIND.map((k) => FROM_KIND.indexOf(k));

/** A directory kind's number in `FROM_KIND_INDEX`, or -1 when no directory record names that kind. */
export function namedKindIndex(kind: string): number {
  return FROM_KIND.indexOf(kind as DirectoryKind);
}

/**
 * The ids a directory record names, as `[FROM index, id, …]` in the order they are named (the
 * first naming of an id is the one reported): what `ReferenceCollector#addFound` takes. Pure, so
 * that the sealing thread finds them as it parses.
 */
export function directoryRefs(record: InterchangeRecord): (number | string)[] {
  const out: (number | string)[] = [];
  switch (record.kind) {
    case 'employee':
      if (record.body.manager !== undefined) out.push(0, record.body.manager);
      break;
    case 'product':
      out.push(1, record.body.sellerId);
      break;
    case 'review':
      out.push(2, record.body.productId, 3, record.body.reviewerId);
      break;
    case 'assignment':
      out.push(4, record.body.employeeId, 5, record.body.sellerId);
      break;
    case 'ticket': {
      const t = record.body;
      out.push(6, t.sellerId);
      if (t.assigneeId !== undefined) out.push(7, t.assigneeId);
      if (t.openedBy !== undefined && !OUTSIDE_OPENERS.has(t.openedBy)) out.push(8, t.openedBy);
      if (t.reviewId !== undefined) out.push(9, t.reviewId);
      for (const s of t.relatedSellerIds ?? []) out.push(10, s);
      break;
    }
    case 'report':
      out.push(11, record.body.reviewId);
      break;
    default:
      break;
  }
  return out;
}

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
      default:
        this.addFound(directoryRefs(record), line);
    }
  }

  /** Adds the references of a directory record found by `directoryRefs` (on any thread). */
  addFound(refs: readonly (number | string)[], line: number): void {
    for (let i = 0; i < refs.length; i += 2) {
      const from = refs[i] as number;
      this.ref(FROM_KIND[from]!, refs[i + 1] as string, line, from);
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
        into.set(id, { firstLine: Math.floor(at / 16), from: FROM_NAME[at % 16]! });
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

  private ref(kind: DirectoryKind, id: string, line: number, from: number): void {
    let ids = this.refs.get(kind);
    if (!ids) {
      ids = new Map<string, number>();
      this.refs.set(kind, ids);
    }
    if (!ids.has(id)) ids.set(id, line * 16 + from);
  }
}
