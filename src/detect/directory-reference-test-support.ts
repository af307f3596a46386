/**
 * The directory view as it was before its records moved into columns (`directory-view.ts`):
 * an object per ticket, review and product, Maps and arrays of them. For tests, the reference
 * the columns must answer as: same records in, same answers out.
 */
import type {
  Assignment,
  Employee,
  InterchangeRecord,
  Product,
  Report,
  Review,
  Seller,
  Ticket,
} from '../domain/index.js';
import { readTime } from './event-time.js';
import type { EmployeeView } from './directory-view.js';

/** A ticket as detection reads it. Its id is its key in `DirectoryView.tickets` (not repeated). */
interface TicketView {
  readonly sellerId: string;
  readonly openedAt: number;
  readonly closedAt: number | undefined;
  readonly assigneeId: string | undefined;
  readonly openedBy: string | undefined;
  readonly reviewId: string | undefined;
  readonly related: readonly string[];
  readonly topic: string | undefined;
}

interface ReviewView {
  readonly productId: string;
  readonly reviewerId: string;
  readonly rating: number;
}

/** A review's seller and rating, as the reviewer-harvest detector wants them. */
interface ReviewerReview {
  readonly reviewId: string;
  readonly sellerId: string | undefined;
  readonly rating: number;
}

const time = (t: string | undefined): number | undefined =>
  t === undefined ? undefined : readTime(t);

export class ReferenceDirectory {
  readonly employees = new Map<string, EmployeeView>();
  readonly tickets = new Map<string, TicketView>();
  readonly reviews = new Map<string, ReviewView>();
  /** Product id → seller id and category. */
  readonly products = new Map<string, { sellerId: string; category: string }>();
  readonly sellerCategory = new Map<string, string>();
  /** Reviews whose latest version says they are removed. */
  readonly removedReviews = new Set<string>();
  /** Review id → the time of its first report. */
  readonly firstReport = new Map<string, number>();
  /** Reviewer id → their reviews. */
  readonly reviewsBy = new Map<string, ReviewerReview[]>();
  /** Assignee → seller → ids of the tickets assigned to them naming it. */
  readonly held = new Map<string, Map<string, string[]>>();
  /** Employee id → seller id → assignment intervals [from, to). */
  private readonly assignments = new Map<string, Map<string, [number, number][]>>();

  apply(record: InterchangeRecord): void {
    switch (record.kind) {
      case 'employee':
        return this.employee(record.body);
      case 'seller':
        return this.seller(record.body);
      case 'product':
        return this.product(record.body);
      case 'review':
        return this.review(record.body);
      case 'assignment':
        return this.assignment(record.body);
      case 'ticket':
        return this.ticket(record.body);
      case 'report':
        return this.report(record.body);
      case 'reviewer':
      case 'event':
        return;
    }
  }

  /**
   * Brings the directory's records (every field but `employees`) forward over records the
   * rest of the engine has already consumed: a saved state's directory part may be older than
   * the rest (`snapshot.ts`). Employee records are skipped — the employees were saved with the
   * rest — as are events. Nothing below reads `employees`: that keeps the two parts separable.
   */
  replay(records: Iterable<InterchangeRecord>): void {
    for (const r of records) if (r.kind !== 'employee') this.apply(r);
  }

  isAssigned(employeeId: string, sellerId: string, t: number): boolean {
    const spans = this.assignments.get(employeeId)?.get(sellerId);
    if (!spans) return false;
    for (const span of spans) if (span[0] <= t && t < span[1]) return true;
    return false;
  }

  ticketsHeld(employeeId: string, sellerId: string): readonly string[] | undefined {
    return this.held.get(employeeId)?.get(sellerId);
  }

  sellerOfReview(reviewId: string): string | undefined {
    const r = this.reviews.get(reviewId);
    return r === undefined ? undefined : this.products.get(r.productId)?.sellerId;
  }

  private employee(e: Employee): void {
    this.employees.set(e.id, {
      id: e.id,
      team: e.team,
      role: e.role,
      site: e.site,
      manager: e.manager,
      shift: e.shift ?? 'day',
      hiredAt: time(e.hiredAt),
      leftAt: time(e.leftAt),
    });
  }

  private seller(s: Seller): void {
    this.sellerCategory.set(s.id, s.category);
  }

  private product(p: Product): void {
    this.products.set(p.id, { sellerId: p.sellerId, category: p.category });
  }

  private review(r: Review): void {
    // One look-up: a Map grows only by a key it did not hold.
    const size = this.reviews.size;
    this.reviews.set(r.id, { productId: r.productId, reviewerId: r.reviewerId, rating: r.rating });
    const had = this.reviews.size === size;
    // (a review not seen before cannot be among the removed: only this adds to them)
    if (r.removedAt !== undefined) this.removedReviews.add(r.id);
    else if (had) this.removedReviews.delete(r.id);
    if (had) return;
    const mine: ReviewerReview = {
      reviewId: r.id,
      sellerId: this.products.get(r.productId)?.sellerId,
      rating: r.rating,
    };
    const list = this.reviewsBy.get(r.reviewerId);
    if (list) list.push(mine);
    else this.reviewsBy.set(r.reviewerId, [mine]);
  }

  private assignment(a: Assignment): void {
    const from = time(a.from) ?? -Infinity;
    const to = a.to === undefined || a.to === null ? Infinity : (time(a.to) ?? Infinity);
    const bySeller = this.assignments.get(a.employeeId) ?? new Map<string, [number, number][]>();
    const spans = (bySeller.get(a.sellerId) ?? []).filter(([f]) => f !== from);
    spans.push([from, to]);
    bySeller.set(a.sellerId, spans);
    this.assignments.set(a.employeeId, bySeller);
  }

  private ticket(t: Ticket): void {
    const size = this.tickets.size;
    this.tickets.set(t.id, {
      sellerId: t.sellerId,
      openedAt: time(t.openedAt) ?? -Infinity,
      closedAt: time(t.closedAt),
      assigneeId: t.assigneeId,
      openedBy: t.openedBy,
      reviewId: t.reviewId,
      related: t.relatedSellerIds ?? [],
      topic: t.topic,
    });
    // its assignee holds it from its first version (a Map grows only by a key it did not hold)
    if (t.assigneeId === undefined || this.tickets.size === size) return;
    let bySeller = this.held.get(t.assigneeId);
    if (!bySeller) this.held.set(t.assigneeId, (bySeller = new Map<string, string[]>()));
    holdTicket(bySeller, t.sellerId, t.id);
    for (const s of t.relatedSellerIds ?? []) holdTicket(bySeller, s, t.id);
  }

  private report(r: Report): void {
    const at = time(r.reportedAt) ?? Infinity;
    const had = this.firstReport.get(r.reviewId);
    if (had === undefined || at < had) this.firstReport.set(r.reviewId, at);
  }
}

/** Files a ticket under a seller it names, among the last 50 its assignee holds for it. */
function holdTicket(bySeller: Map<string, string[]>, sellerId: string, ticketId: string): void {
  const ids = bySeller.get(sellerId);
  if (!ids) {
    bySeller.set(sellerId, [ticketId]);
    return;
  }
  ids.push(ticketId);
  if (ids.length > 50) ids.shift();
}
