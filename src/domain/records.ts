import type { AccessEvent } from './events.js';
import type {
  Assignment,
  Employee,
  Product,
  Report,
  Review,
  Reviewer,
  Seller,
  Ticket,
} from './model.js';

/** Every record kind of interchange v1. */
export const RECORD_KINDS = [
  'employee',
  'seller',
  'product',
  'reviewer',
  'review',
  'assignment',
  'ticket',
  'report',
  'event',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export type DirectoryKind = Exclude<RecordKind, 'event'>;

/** A record as it travels: its kind beside its body. */
export type InterchangeRecord =
  | { readonly kind: 'employee'; readonly body: Employee }
  | { readonly kind: 'seller'; readonly body: Seller }
  | { readonly kind: 'product'; readonly body: Product }
  | { readonly kind: 'reviewer'; readonly body: Reviewer }
  | { readonly kind: 'review'; readonly body: Review }
  | { readonly kind: 'assignment'; readonly body: Assignment }
  | { readonly kind: 'ticket'; readonly body: Ticket }
  | { readonly kind: 'report'; readonly body: Report }
  | { readonly kind: 'event'; readonly body: AccessEvent };

/** The key that identifies a directory record; an update is the same kind and key again. */
export function recordKey(record: InterchangeRecord): string {
  if (record.kind === 'assignment') {
    const a = record.body;
    return `${a.employeeId}\u0000${a.sellerId}\u0000${a.from}`;
  }
  return record.body.id;
}
