/**
 * The marketplace model of interchange v1 (shared spec `interchange.md`): the directory
 * records and the events employees leave when they touch sellers, reviews and reviewers.
 * Pure data: no behaviour, no I/O.
 */

export const INTERCHANGE_VERSION = 1 as const;

export const SHIFTS = ['day', 'night', 'follow-the-sun'] as const;
export type Shift = (typeof SHIFTS)[number];

export const TICKET_OPENERS = ['seller', 'customer', 'reviewer', 'system', 'legal-intake'] as const;
/** Who opened a ticket: an employee id, or one of the outside parties. */
export type TicketOpener = EmployeeId; // or one of TICKET_OPENERS

export type EmployeeId = string;
export type SellerId = string;
export type ProductId = string;
export type ReviewerId = string;
export type ReviewId = string;
export type TicketId = string;
export type ReportId = string;
export type EventId = string;

/** Free-form, action- or source-specific details. */
export type Attrs = Readonly<Record<string, unknown>>;

export interface Employee {
  readonly id: EmployeeId;
  readonly team: string;
  readonly role: string;
  readonly site: string;
  readonly name?: string;
  readonly manager?: EmployeeId;
  readonly hiredAt?: string;
  readonly leftAt?: string;
  readonly shift?: Shift;
  readonly attrs?: Attrs;
}

export interface Seller {
  readonly id: SellerId;
  readonly category: string;
  readonly region: string;
  readonly name?: string;
  readonly openedAt?: string;
  readonly attrs?: Attrs;
}

export interface Product {
  readonly id: ProductId;
  readonly sellerId: SellerId;
  readonly category: string;
  readonly title?: string;
  readonly attrs?: Attrs;
}

/** `email` and `name` are personal data: encrypted at rest, never logged, shown masked. */
export interface Reviewer {
  readonly id: ReviewerId;
  readonly email: string;
  readonly name?: string;
  readonly attrs?: Attrs;
}

export const RATINGS = [1, 2, 3, 4, 5] as const;
export type Rating = (typeof RATINGS)[number];

export interface Review {
  readonly id: ReviewId;
  readonly productId: ProductId;
  readonly reviewerId: ReviewerId;
  readonly rating: Rating;
  readonly createdAt: string;
  readonly removedAt?: string;
  readonly attrs?: Attrs;
}

/** The employee works this seller's account; identified by (employeeId, sellerId, from). */
export interface Assignment {
  readonly employeeId: EmployeeId;
  readonly sellerId: SellerId;
  readonly from: string;
  readonly to?: string | null;
  readonly attrs?: Attrs;
}

export interface Ticket {
  readonly id: TicketId;
  readonly sellerId: SellerId;
  readonly openedAt: string;
  readonly assigneeId?: EmployeeId;
  readonly openedBy?: TicketOpener;
  readonly closedAt?: string;
  readonly topic?: string;
  readonly reviewId?: ReviewId;
  readonly relatedSellerIds?: readonly SellerId[];
  readonly attrs?: Attrs;
}

export interface Report {
  readonly id: ReportId;
  readonly reviewId: ReviewId;
  readonly reportedAt: string;
  readonly reason: string;
  readonly attrs?: Attrs;
}
