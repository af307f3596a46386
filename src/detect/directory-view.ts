/**
 * What detection knows of the directory at the moment an event is processed: the latest
 * version of every record that arrived before it in the stream (last write wins). Only the
 * fields detectors use are kept; personal data never enters.
 *
 * Reviews, tickets, products and reviewers number in the hundreds of thousands, so they are
 * not kept as objects: each kind's ids are numbered in the order they are first met (a
 * `StringNumbering` per kind, seeded) and its fields sit in typed columns indexed by that number;
 * lists (a reviewer's reviews, a ticket's related sellers, the tickets an assignee holds) are
 * chains or runs in Int32 columns. A few flat objects instead of a million small ones is what
 * keeps applying the directory, saving it and collecting garbage cheap. Detectors read through
 * the accessors below; `ticket(k)` builds a `TicketView` for the one ticket a judgement keeps.
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
import { Columns, FIRST_ROWS, Rows, roomFor, widened, zeroed } from './columns.js';
import { readTime } from './event-time.js';
import { StringNumbering } from './string-numbering.js';

export interface EmployeeView {
  readonly id: string;
  readonly team: string;
  readonly role: string;
  readonly site: string;
  readonly manager: string | undefined;
  readonly shift: string;
  readonly hiredAt: number | undefined;
  readonly leftAt: number | undefined;
}

/** A ticket as a judgement keeps it (`DirectoryView.ticket`): a copy, built when asked for. */
export interface TicketView {
  readonly sellerId: string;
  readonly openedAt: number;
  readonly closedAt: number | undefined;
  readonly assigneeId: string | undefined;
  readonly openedBy: string | undefined;
  /** The review it names, as the view numbers reviews (`reviewOf`); `NONE` when it names none. */
  readonly review: number;
  readonly related: readonly string[];
}

/** No such review, ticket, seller or list entry: the numbers themselves start at 0. */
export const NONE = -1;

const NO_SELLERS: readonly string[] = Object.freeze([]);

/**
 * A record's time as detection reads it: a string's by `readTime`, none for anything else (a
 * payload the ingest schema would refuse, met in a damaged or planted database, reads as no
 * time rather than failing the run).
 */
const time = (t: unknown): number | undefined => (typeof t === 'string' ? readTime(t) : undefined);

/**
 * How many employee records every view in the process has applied (`employeeRecordsApplied`).
 * While it stands still, no id anywhere looks up to another `EmployeeView` than it did: what a
 * feed remembers of an actor (`ActorSlot`, engine.ts) holds. Kept outside every view's state.
 */
let employeeRecords = 0;

/** The count of employee records applied so far, by any view (`employeeRecords`). */
export function employeeRecordsApplied(): number {
  return employeeRecords;
}

// review flags
/** A review record was seen (its id may also be met first in a ticket or a report). */
const SEEN = 1;
/** The latest version says it is removed. */
const REMOVED = 2;
/** A report names it: `firstReport` holds the earliest time. */
const REPORTED = 4;

/**
 * One row per review id met. Ratings are the interchange's 1–5 (ingest checks them), so a
 * byte holds them.
 */
export class ReviewColumns extends Rows {
  /** The latest version's product (a product number). */
  product = new Int32Array(FIRST_ROWS);
  /** The latest version's rating. */
  rating = new Uint8Array(FIRST_ROWS);
  flags = new Uint8Array(FIRST_ROWS);
  /** The earliest report's time (when `REPORTED`). */
  firstReport = new Float64Array(FIRST_ROWS);
  /** As first seen: the rating, and the seller of its product then (`NONE`: not known then). */
  firstRating = new Uint8Array(FIRST_ROWS);
  firstSeller = new Int32Array(FIRST_ROWS);
  /** The next review of the same reviewer, in the order first seen (`NONE` after the last). */
  nextByReviewer = new Int32Array(FIRST_ROWS);

  protected capacity(): number {
    return this.product.length;
  }
}

/** One row per ticket, its latest version's fields (people and sellers by number). */
export class TicketColumns extends Rows {
  seller = new Int32Array(FIRST_ROWS);
  openedAt = new Float64Array(FIRST_ROWS);
  closedAt = new Float64Array(FIRST_ROWS);
  /** 1 when its latest version has a closing time that reads (`closedAt` holds it), else 0. */
  closed = new Uint8Array(FIRST_ROWS);
  assignee = new Int32Array(FIRST_ROWS);
  openedBy = new Int32Array(FIRST_ROWS);
  review = new Int32Array(FIRST_ROWS);
  /** Its related sellers: `relatedCount` seller numbers from `relatedStart` in `related`. */
  relatedStart = new Int32Array(FIRST_ROWS);
  relatedCount = new Int32Array(FIRST_ROWS);
  related = new IntRun();

  protected capacity(): number {
    return this.seller.length;
  }
}

/** Integers appended one after another (runs of them, whose starts are kept elsewhere). */
export class IntRun extends Columns {
  length = 0;
  values = new Int32Array(FIRST_ROWS);

  protected used(): number {
    return this.length;
  }

  /** Room for `n` more at the end: where they start. */
  reserve(n: number): number {
    if (this.length + n > this.values.length)
      this.values = widened(this.values, roomFor(this.values.length, this.length + n));
    this.length += n;
    return this.length - n;
  }
}

/**
 * Reviewer → their reviews in the order first seen: the first and last of a chain through
 * `ReviewColumns.nextByReviewer`.
 */
export class ReviewerColumns extends Rows {
  first = new Int32Array(FIRST_ROWS);
  last = new Int32Array(FIRST_ROWS);

  protected capacity(): number {
    return this.first.length;
  }
}

/** A product's seller (`NONE` until a product record names it). */
export class ProductColumns extends Rows {
  seller = new Int32Array(FIRST_ROWS);

  protected capacity(): number {
    return this.seller.length;
  }

  override add(): number {
    const p = super.add();
    this.seller[p] = NONE;
    return p;
  }
}

/** Tickets an assignee holds for a seller: at most this many, the latest. */
const HELD_LIMIT = 50;

/**
 * (assignee, seller) → the tickets assigned to them naming it, oldest first, the last
 * `HELD_LIMIT`: one chain of entries per pair, found through an open-addressing table on the
 * pair's numbers. Entries dropped off a chain's head are not reused (there are about as many
 * as ticket–seller pairs, a few bytes each).
 */
export class HeldTickets extends Columns {
  lists = 0;
  /** Open addressing, linear probing: list + 1 (0: empty). A power of two, at most half full. */
  slots = new Int32Array(2 * FIRST_ROWS);
  person = new Int32Array(FIRST_ROWS);
  seller = new Int32Array(FIRST_ROWS);
  head = new Int32Array(FIRST_ROWS);
  tail = new Int32Array(FIRST_ROWS);
  count = new Int32Array(FIRST_ROWS);
  entries = 0;
  ticket = new Int32Array(FIRST_ROWS);
  next = new Int32Array(FIRST_ROWS);

  protected used(name: string): number {
    if (name === 'slots') return this.slots.length;
    return name === 'ticket' || name === 'next' ? this.entries : this.lists;
  }

  /** The list of (person, seller), or `NONE`. */
  find(person: number, seller: number): number {
    const mask = this.slots.length - 1;
    for (let s = slotOf(person, seller) & mask; ; s = (s + 1) & mask) {
      const l = this.slots[s]! - 1;
      if (l < 0) return NONE;
      if (this.person[l] === person && this.seller[l] === seller) return l;
    }
  }

  hold(person: number, seller: number, ticket: number): void {
    let l = this.find(person, seller);
    if (l === NONE) l = this.newList(person, seller);
    const e = this.newEntry(ticket);
    if (this.count[l] === 0) this.head[l] = e;
    else this.next[this.tail[l]!] = e;
    this.tail[l] = e;
    if (++this.count[l]! > HELD_LIMIT) {
      this.head[l] = this.next[this.head[l]!]!;
      this.count[l]!--;
    }
  }

  private newEntry(ticket: number): number {
    if (this.entries === this.ticket.length) {
      this.ticket = widened(this.ticket, 2 * this.entries);
      this.next = widened(this.next, 2 * this.entries);
    }
    this.ticket[this.entries] = ticket;
    this.next[this.entries] = NONE;
    return this.entries++;
  }

  private newList(person: number, seller: number): number {
    if (this.lists === this.person.length) {
      const n = 2 * this.lists;
      this.person = widened(this.person, n);
      this.seller = widened(this.seller, n);
      this.head = widened(this.head, n);
      this.tail = widened(this.tail, n);
      this.count = widened(this.count, n);
    }
    const l = this.lists++;
    this.person[l] = person;
    this.seller[l] = seller;
    if (2 * this.lists > this.slots.length) this.rehash(2 * this.slots.length);
    else this.place(l);
    return l;
  }

  private place(l: number): void {
    const mask = this.slots.length - 1;
    let s = slotOf(this.person[l]!, this.seller[l]!) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = l + 1;
  }

  private rehash(size: number): void {
    this.slots = zeroed(Int32Array, size);
    for (let l = 0; l < this.lists; l++) this.place(l);
  }
}

const slotOf = (person: number, seller: number): number =>
  Math.imul(person, 0x9e3779b1) ^ Math.imul(seller + 0x7f4a7c15, 0x85ebca6b);

export class DirectoryView {
  readonly employees = new Map<string, EmployeeView>();
  readonly sellerCategory = new Map<string, string>();
  /** Seller id → its number, for every seller a product or a ticket names. */
  private readonly sellerNumbers = new Map<string, number>();
  /** Number → seller id (sellers are thousands: a list of them is cheap to restore). */
  private readonly sellerIds: string[] = [];
  /** Ticket assignees and openers: id → number, number → id. */
  private readonly personNumbers = new Map<string, number>();
  private readonly personIds: string[] = [];
  private readonly productNumbers: StringNumbering;
  private readonly products = new ProductColumns();
  /** Review id → number, for every review id met (in a review, a ticket or a report). */
  private readonly reviewNumbers: StringNumbering;
  private readonly reviews = new ReviewColumns();
  private readonly reviewerNumbers: StringNumbering;
  private readonly reviewers = new ReviewerColumns();
  private readonly ticketNumbers: StringNumbering;
  private readonly tickets = new TicketColumns();
  /** Assignee → seller → the tickets assigned to them naming it (from a ticket's first version). */
  private readonly held = new HeldTickets();
  /** Employee id → seller id → assignment intervals [from, to). */
  private readonly assignments = new Map<string, Map<string, [number, number][]>>();

  /**
   * `seed`: the seed of the hash that numbers the kinds counted in hundreds of thousands
   * (`StringNumbering`); kept in the state, so a resumed view goes on with it.
   */
  constructor(seed = 0) {
    this.productNumbers = new StringNumbering(seed);
    this.reviewNumbers = new StringNumbering(seed);
    this.reviewerNumbers = new StringNumbering(seed);
    this.ticketNumbers = new StringNumbering(seed);
  }

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
        return this.ticketRecord(record.body);
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

  // --- tickets

  get ticketCount(): number {
    return this.tickets.rows;
  }

  /** The ticket's number, or `NONE` if no ticket record has that id. */
  ticketOf(id: string): number {
    return this.ticketNumbers.get(id);
  }

  /** Ticket `k` as a `TicketView`: a new object (keep it off per-candidate loops). */
  ticket(k: number): TicketView {
    const c = this.tickets;
    const n = c.relatedCount[k]!;
    let related = NO_SELLERS;
    if (n > 0) {
      const start = c.relatedStart[k]!;
      const ids = new Array<string>(n);
      for (let i = 0; i < n; i++) ids[i] = this.sellerIds[c.related.values[start + i]!]!;
      related = ids;
    }
    return {
      sellerId: this.sellerIds[c.seller[k]!]!,
      openedAt: c.openedAt[k]!,
      closedAt: this.ticketClosedAt(k),
      assigneeId: this.personId(c.assignee[k]!),
      openedBy: this.personId(c.openedBy[k]!),
      review: c.review[k]!,
      related,
    };
  }

  /** The ticket with this id as a `TicketView`, or undefined. */
  ticketById(id: string): TicketView | undefined {
    const k = this.ticketOf(id);
    return k === NONE ? undefined : this.ticket(k);
  }

  ticketOpenedAt(k: number): number {
    return this.tickets.openedAt[k]!;
  }

  ticketClosedAt(k: number): number | undefined {
    return this.tickets.closed[k] === 1 ? this.tickets.closedAt[k]! : undefined;
  }

  /**
   * The first entry of the tickets the employee holds for the seller (oldest first, the last
   * 50), or `NONE`; `heldTicket(entry)` is its ticket, `nextHeld(entry)` the next entry.
   */
  firstHeld(employeeId: string, sellerId: string): number {
    const p = this.personNumbers.get(employeeId);
    const s = this.sellerNumbers.get(sellerId);
    if (p === undefined || s === undefined) return NONE;
    const l = this.held.find(p, s);
    return l === NONE ? NONE : this.held.head[l]!;
  }

  nextHeld(entry: number): number {
    return this.held.next[entry]!;
  }

  heldTicket(entry: number): number {
    return this.held.ticket[entry]!;
  }

  // --- reviews

  /** The review's number if a review record has that id, else `NONE`. */
  reviewOf(id: string): number {
    const r = this.reviewNumbers.get(id);
    return r !== NONE && (this.reviews.flags[r]! & SEEN) !== 0 ? r : NONE;
  }

  /** The latest version's rating. */
  reviewRating(r: number): number {
    return this.reviews.rating[r]!;
  }

  /** The seller of the review's product (its latest version's, as the product is now). */
  reviewSeller(r: number): string | undefined {
    return this.sellerId(this.products.seller[this.reviews.product[r]!]!);
  }

  /** The time of the first report of the review, or Infinity. */
  firstReport(r: number): number {
    return (this.reviews.flags[r]! & REPORTED) !== 0 ? this.reviews.firstReport[r]! : Infinity;
  }

  /**
   * The first of a reviewer's reviews, in the order first seen, or `NONE`; `nextReviewBy(r)`
   * is the next. Each with `firstRating` and `firstSeller`: as the review was first seen.
   */
  firstReviewBy(reviewerId: string): number {
    const v = this.reviewerNumbers.get(reviewerId);
    return v === NONE ? NONE : this.reviewers.first[v]!;
  }

  nextReviewBy(r: number): number {
    return this.reviews.nextByReviewer[r]!;
  }

  firstRating(r: number): number {
    return this.reviews.firstRating[r]!;
  }

  firstSeller(r: number): string | undefined {
    return this.sellerId(this.reviews.firstSeller[r]!);
  }

  /**
   * Calls `f` with the seller and rating of every review not removed whose product's seller is
   * known, in the order the reviews were first met.
   */
  eachStandingRating(f: (sellerId: string, rating: number) => void): void {
    const c = this.reviews;
    for (let r = 0; r < c.rows; r++) {
      if ((c.flags[r]! & (SEEN | REMOVED)) !== SEEN) continue;
      const s = this.products.seller[c.product[r]!]!;
      if (s !== NONE) f(this.sellerIds[s]!, c.rating[r]!);
    }
  }

  private sellerId(s: number): string | undefined {
    return s === NONE ? undefined : this.sellerIds[s];
  }

  private personId(p: number): string | undefined {
    return p === NONE ? undefined : this.personIds[p];
  }

  /** A seller's number, given the next one when the id is new. */
  sellerNumber(id: string): number {
    let s = this.sellerNumbers.get(id);
    if (s === undefined) {
      this.sellerNumbers.set(id, (s = this.sellerIds.length));
      this.sellerIds.push(id);
    }
    return s;
  }

  /** The number of seller `id`: `had` if that is its number. */
  private sellerAgain(id: string, had: number): number {
    return this.sellerIds[had] === id ? had : this.sellerNumber(id);
  }

  /** The number of person `id` (`NONE` for none): `had` if that is its number. */
  private personAgain(id: string | undefined, had: number): number {
    if (id === undefined) return NONE;
    return had !== NONE && this.personIds[had] === id ? had : this.personNumber(id);
  }

  /** A ticket assignee's or opener's number (`NONE` for none), given the next one when new. */
  personNumber(id: string | undefined): number {
    if (id === undefined) return NONE;
    let p = this.personNumbers.get(id);
    if (p === undefined) {
      this.personNumbers.set(id, (p = this.personIds.length));
      this.personIds.push(id);
    }
    return p;
  }

  /** A product's number, its row added when the id is new (the two number alike). */
  productNumber(id: string): number {
    return this.productNumberIn(id, 0, id.length);
  }

  /** `productNumber` of `text.slice(from, to)`, read where it stands (`numberIn`). */
  productNumberIn(text: string, from: number, to: number): number {
    const p = this.productNumbers.numberIn(text, from, to);
    if (p === this.products.rows) this.products.add();
    return p;
  }

  /** A review's number, its row added when the id is new (the two number alike). */
  reviewNumber(id: string): number {
    return this.reviewNumberIn(id, 0, id.length);
  }

  /** `reviewNumber` of `text.slice(from, to)`, read where it stands (`numberIn`). */
  reviewNumberIn(text: string, from: number, to: number): number {
    const r = this.reviewNumbers.numberIn(text, from, to);
    if (r === this.reviews.rows) this.reviews.add();
    return r;
  }

  /**
   * A ticket's number, given the next one when the id is new; its row comes with the version
   * that follows (`ticketVersionAt`), which is how that version knows itself for the first.
   */
  ticketNumber(id: string): number {
    return this.ticketNumbers.number(id);
  }

  /** `ticketNumber` of `text.slice(from, to)`, read where it stands (`numberIn`). */
  ticketNumberIn(text: string, from: number, to: number): number {
    return this.ticketNumbers.numberIn(text, from, to);
  }

  /** A reviewer's number, given the next one when new. */
  reviewerNumber(id: string): number {
    return this.reviewerNumbers.number(id);
  }

  /** `reviewerNumber` of `text.slice(from, to)`, read where it stands (`numberIn`). */
  reviewerNumberIn(text: string, from: number, to: number): number {
    return this.reviewerNumbers.numberIn(text, from, to);
  }

  private employee(e: Employee): void {
    employeeRecords++;
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
    this.productVersion(p.id, this.sellerNumber(p.sellerId));
  }

  /**
   * The directory's kinds counted in hundreds of thousands, by number: `apply` numbers a
   * record's ids and calls these, and a feed that numbers ids without making strings or
   * records of them (`FeedDecoder.decodeInto`) calls them alike, so both reach one state.
   * Each numbering is asked in the order `apply` asks it; which numbering goes first does not
   * matter (each numbers its own ids).
   */
  productVersion(id: string, seller: number): void {
    this.productVersionIn(id, 0, id.length, seller);
  }

  /** `productVersion` of the product whose id is `text.slice(from, to)` (`numberIn`). */
  productVersionIn(text: string, from: number, to: number, seller: number): void {
    // numbered first: adding the product's row may grow the columns, and the seller must go
    // into the grown one (read before, the column was the old one, and the seller was lost)
    const p = this.productNumberIn(text, from, to);
    this.products.seller[p] = seller;
  }

  private review(v: Review): void {
    const r = this.reviewNumber(v.id);
    if (this.reviewVersion(r, this.productNumber(v.productId), v.rating, v.removedAt !== undefined))
      this.reviewedBy(r, this.reviewerNumbers.number(v.reviewerId));
  }

  /**
   * A version of review `r` (`reviewNumber`) of product `p`: `true` when it is the first seen,
   * whose reviewer the caller then numbers and gives (`reviewedBy`) — a later version's
   * reviewer is not numbered.
   */
  reviewVersion(r: number, p: number, rating: number, removed: boolean): boolean {
    const c = this.reviews;
    const first = (c.flags[r]! & SEEN) === 0;
    c.product[r] = p;
    c.rating[r] = rating;
    c.flags[r] = (c.flags[r]! & REPORTED) | SEEN | (removed ? REMOVED : 0);
    if (!first) return false;
    // the reviewer's list keeps the review as first seen: its rating and its product's seller then
    c.firstRating[r] = rating;
    c.firstSeller[r] = this.products.seller[p]!;
    c.nextByReviewer[r] = NONE;
    return true;
  }

  /** Review `r`, first seen (`reviewVersion`), at the end of reviewer `who`'s list. */
  reviewedBy(r: number, who: number): void {
    if (who === this.reviewers.rows) {
      this.reviewers.add();
      this.reviewers.first[who] = r;
    } else this.reviews.nextByReviewer[this.reviewers.last[who]!] = r;
    this.reviewers.last[who] = r;
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

  private ticketRecord(t: Ticket): void {
    const k = this.ticketNumbers.number(t.id);
    const c = this.tickets;
    const first = k === c.rows;
    // a later version mostly names the same seller and people: compared, not looked up again
    const seller = first
      ? this.sellerNumber(t.sellerId)
      : this.sellerAgain(t.sellerId, c.seller[k]!);
    const assignee = first
      ? this.personNumber(t.assigneeId)
      : this.personAgain(t.assigneeId, c.assignee[k]!);
    const openedBy = first
      ? this.personNumber(t.openedBy)
      : this.personAgain(t.openedBy, c.openedBy[k]!);
    const review = t.reviewId === undefined ? NONE : this.reviewNumber(t.reviewId);
    const related = t.relatedSellerIds ?? [];
    this.ticketVersionAt(
      k,
      seller,
      time(t.openedAt) ?? NaN,
      time(t.closedAt) ?? NaN,
      assignee,
      openedBy,
      review,
      this.relatedNumbers(related),
      related.length,
    );
  }

  /**
   * A ticket's related sellers by number (`sellerNumber`, in their order), as
   * `ticketVersionAt` takes them: the first `related.length` of a list reused from call to
   * call, good until the next.
   */
  relatedNumbers(related: readonly string[]): Int32Array {
    const n = related.length;
    if (n > relatedScratch.length) relatedScratch = new Int32Array(n);
    for (let i = 0; i < n; i++) relatedScratch[i] = this.sellerNumber(related[i]!);
    return relatedScratch;
  }

  /**
   * A version of ticket `k` (`ticketNumber`, its row added here when new), its people and
   * sellers by number (`personNumber`, `sellerNumber`), its review's (`reviewNumber`) or
   * `NONE`, the first `n` of `related`, its related sellers, and its times as read
   * (`readTime`; NaN for one that reads as none): a feed whose worker reads them
   * (`FeedDecoder.decodeInto`) spares the engine's thread their parse.
   */
  ticketVersionAt(
    k: number,
    seller: number,
    openedAt: number,
    closedAt: number,
    assignee: number,
    openedBy: number,
    review: number,
    related: Int32Array,
    n: number,
  ): void {
    const c = this.tickets;
    const first = k === c.rows;
    if (first) c.add();
    c.seller[k] = seller;
    c.openedAt[k] = Number.isNaN(openedAt) ? -Infinity : openedAt;
    const closed = !Number.isNaN(closedAt);
    c.closed[k] = closed ? 1 : 0;
    c.closedAt[k] = closed ? closedAt : 0;
    c.assignee[k] = assignee;
    c.openedBy[k] = openedBy;
    c.review[k] = review;
    // a version with no more related sellers than the last one reuses its run
    if (first || n > c.relatedCount[k]!) c.relatedStart[k] = c.related.reserve(n);
    const start = c.relatedStart[k]!;
    c.relatedCount[k] = n;
    const values = c.related.values;
    for (let i = 0; i < n; i++) values[start + i] = related[i]!;
    // its assignee holds it from its first version
    if (assignee === NONE || !first) return;
    this.held.hold(assignee, seller, k);
    for (let i = 0; i < n; i++) this.held.hold(assignee, values[start + i]!, k);
  }

  private report(v: Report): void {
    this.reportVersionAt(this.reviewNumber(v.reviewId), time(v.reportedAt) ?? NaN);
  }

  /** A report of review `r` (`reviewNumber`), its time as read (`readTime`; NaN for none). */
  reportVersionAt(r: number, reportedAt: number): void {
    const at = Number.isNaN(reportedAt) ? Infinity : reportedAt;
    const c = this.reviews;
    if ((c.flags[r]! & REPORTED) === 0 || at < c.firstReport[r]!) {
      c.firstReport[r] = at;
      c.flags[r] = c.flags[r]! | REPORTED;
    }
  }

  // --- a ticket's fields by number, for judgements that read a field or two of the ticket an
  // event cites and keep nothing: read in place, where `ticket(k)` copies them all into a new
  // view with a new list of its related sellers, once per cited event.

  /** Whether ticket `k` names the seller: as its seller or one of its related sellers. */
  ticketNames(k: number, sellerId: string): boolean {
    const c = this.tickets;
    if (this.sellerIds[c.seller[k]!] === sellerId) return true;
    const start = c.relatedStart[k]!;
    const end = start + c.relatedCount[k]!;
    for (let i = start; i < end; i++)
      if (this.sellerIds[c.related.values[i]!] === sellerId) return true;
    return false;
  }

  /** The review ticket `k` names (as `reviewOf` numbers reviews), or `NONE`. */
  ticketReview(k: number): number {
    return this.tickets.review[k]!;
  }

  ticketAssigneeId(k: number): string | undefined {
    return this.personId(this.tickets.assignee[k]!);
  }

  ticketOpenedById(k: number): string | undefined {
    return this.personId(this.tickets.openedBy[k]!);
  }
}

/** A ticket's related sellers by number, as `relatedNumbers` hands them on (reused). */
let relatedScratch = new Int32Array(64);
