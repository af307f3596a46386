import type { AccessEvent } from '../domain/index.js';

/** A stored event and its leaf index (the same shape as `LeafEvent` in ports.ts). */
interface LeafEvent {
  readonly leaf: number;
  readonly event: AccessEvent;
}

/** A case's state: open for investigation, or closed. */
export type CaseStatus = 'open' | 'closed';

/**
 * An investigation: who opened it, who works it, and whether its employees' names have been
 * revealed (a second person's approval of a reveal request).
 */
export interface StoredCase {
  readonly id: string;
  readonly title: string;
  readonly status: CaseStatus;
  readonly assignee?: string;
  readonly openedBy: string;
  readonly openedAt: string;
  /** Who asked for the subjects' names to be revealed (pending until a second person approves). */
  readonly revealRequestedBy?: string;
  /** The second person who approved the reveal, and when. */
  readonly revealedBy?: string;
  readonly revealedAt?: string;
  /** Legal hold: set while the case holds its subjects' records against erasure. */
  readonly heldAt?: string;
  readonly heldBy?: string;
  /** The event that recorded the case's opening. */
  readonly eventId: string;
}

export type CaseMemberKind = 'alert' | 'employee' | 'seller' | 'reviewer';

/** A subject (employee, seller) or a linked alert of a case. */
export interface CaseMember {
  readonly caseId: string;
  readonly kind: CaseMemberKind;
  readonly ref: string;
  /** For an alert: canonical JSON of the alert as it was linked (alert ids are per run). */
  readonly detail?: string;
  readonly addedAt: string;
  readonly eventId: string;
}

export interface CaseNote {
  readonly caseId: string;
  readonly author: string;
  readonly text: string;
  readonly at: string;
  readonly eventId: string;
}

export type TriageState = 'acknowledged' | 'dismissed' | 'escalated';

/**
 * What an investigator did with an alert. A dismissal suppresses alerts of the same detector
 * about the same employee until `until`.
 */
export interface AlertTriage {
  readonly alertId: string;
  readonly detector: string;
  readonly employee: string;
  readonly state: TriageState;
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
  readonly until?: string;
  readonly caseId?: string;
  readonly eventId: string;
}

/** Cases, their members and notes, and alert triage (migration 7), read side. */
export interface CaseRepository {
  get(id: string): Promise<StoredCase | undefined>;
  /** Every case, newest first. */
  list(): Promise<StoredCase[]>;
  /** A case's subjects and alerts, in the order they were added. */
  members(caseId: string): Promise<CaseMember[]>;
  notes(caseId: string): Promise<CaseNote[]>;
  triage(alertId: string): Promise<AlertTriage | undefined>;
  /** Every alert's triage (its latest step), by alert id: the queue's state column. */
  triages(): Promise<AlertTriage[]>;
  /** Every dismissal (expired ones too: the caller compares `until` with its clock). */
  dismissals(): Promise<AlertTriage[]>;
  /** The cases an employee or seller is a subject of. */
  casesOf(kind: CaseMemberKind, ref: string): Promise<string[]>;
  /** Whether an enforcement measure suspended or revoked an employee's access. */
  accessOf(employee: string): Promise<AccessState | undefined>;
  /** Every suspension or revocation in force, by employee (for `ledger verify`). */
  accessRows(): Promise<{ employee: string; state: AccessState; eventId: string }[]>;
  /** Outbox commands not yet delivered, oldest first; or all of them. */
  outbox(which: 'pending' | 'all'): Promise<OutboxCommand[]>;
  appeal(id: string): Promise<Appeal | undefined>;
  /** Every appeal, newest filed first. */
  appeals(): Promise<Appeal[]>;
  /** Erasures waiting for a legal hold's release, oldest first. */
  erasureRequests(): Promise<ErasureRequest[]>;
  /** Stored events whose actor is one of `actors` or whose target id is one of `targets`, in leaf order. */
  eventsAbout(actors: readonly string[], targets: readonly string[]): Promise<LeafEvent[]>;
  /**
   * The ids of the sellers' products and of the reviews of those products, as the directory
   * has them now (a timeline brings the events on them; a scan of products and reviews).
   */
  catalogueOf(sellers: readonly string[]): Promise<{ products: string[]; reviews: string[] }>;
}

/** Case writes, inside a store transaction. */
export interface CaseWriter {
  putCase(c: StoredCase): Promise<void>;
  putCaseMember(m: CaseMember): Promise<void>;
  addCaseNote(n: CaseNote): Promise<void>;
  putTriage(t: AlertTriage): Promise<void>;
  putErasureRequest(r: ErasureRequest): Promise<void>;
  /** Sets (or, with `undefined`, lifts) an employee's suspension or revocation. */
  putAccess(employee: string, state: AccessState | undefined, eventId: string): Promise<void>;
  putOutbox(c: OutboxCommand): Promise<void>;
  putAppeal(a: Appeal): Promise<void>;
  /** Records a delivery attempt: delivered at `deliveredAt`, or failed with `error`. */
  outboxAttempt(id: string, result: { deliveredAt: string } | { error: string }): Promise<void>;
  deleteErasureRequest(subject: string): Promise<void>;
}

/** An erasure asked for while a legal hold names the person. */
export interface ErasureRequest {
  readonly subject: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly eventId: string;
}

export type AccessState = 'suspended' | 'revoked';

/** A command for the marketplace's systems, written with the measure that caused it. */
export interface OutboxCommand {
  /** The idempotency key: a receiver applies each id once, however often it arrives. */
  readonly id: string;
  readonly caseId: string;
  readonly measure: string;
  /** Canonical JSON of the command. */
  readonly payload: string;
  readonly createdAt: string;
  readonly eventId: string;
  readonly deliveredAt?: string;
  readonly attempts: number;
  readonly lastError?: string;
}

/** An appeal against a measure, and its decision once taken. */
export interface Appeal {
  readonly id: string;
  readonly caseId: string;
  /** The allowed `x-case.enforce` event that carried the measure out. */
  readonly measureEvent: string;
  /** The seller (or employee) appealing. */
  readonly appellant: string;
  readonly grounds: string;
  /** The employee who recorded it (on the appellant's behalf). */
  readonly filedBy: string;
  readonly filedAt: string;
  readonly outcome?: 'upheld' | 'overturned';
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly decision?: string;
  readonly eventId: string;
}
