export { WardenError } from './errors.js';
export type { ErrorCategory } from './errors.js';
export { INTERCHANGE_VERSION, SHIFTS, TICKET_OPENERS, RATINGS } from './model.js';
export type {
  Attrs,
  Assignment,
  Employee,
  EmployeeId,
  EventId,
  Product,
  ProductId,
  Rating,
  Report,
  ReportId,
  Review,
  ReviewId,
  Reviewer,
  ReviewerId,
  Seller,
  SellerId,
  Shift,
  Ticket,
  TicketId,
  TicketOpener,
} from './model.js';
export {
  ACTION_TARGETS,
  DELETE_REASONS,
  OUTCOMES,
  STANDARD_ACTIONS,
  TARGET_TYPES,
  isCustomAction,
  isStandardAction,
} from './events.js';
export type {
  AccessEvent,
  Action,
  CustomAction,
  DeleteReason,
  EventContext,
  Outcome,
  StandardAction,
  Target,
  TargetType,
} from './events.js';
export { RECORD_KINDS, recordKey } from './records.js';
export type { DirectoryKind, InterchangeRecord, RecordKind } from './records.js';
export { digitsAt, formatTime, parseTime } from './time.js';
export { SEVERITIES, atLeast } from './findings.js';
export type {
  Alert,
  Findings,
  RiskEntry,
  RiskReason,
  Severity,
  Suppression,
  SuppressionNote,
} from './findings.js';
export { eventLine, leafRowLine, versionLine } from './record-lines.js';
export type { EventLineRow, LeafRow, VersionLineRow } from './record-lines.js';
export { lazySchema } from './lazy-schema.js';
