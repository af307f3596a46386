/**
 * Purpose: why an employee may touch a seller, a review or a reviewer at a given moment.
 * Interchange v1 gives two reasons: an assignment to the seller and a ticket that names it
 * (cited, or held by the employee). Everything else is access without a recorded purpose —
 * whether that is normal for the employee's job is for the peer norms to say (peers.ts), not
 * for a list of team names.
 */
import type { AccessEvent } from '../domain/index.js';
import { NONE, type DirectoryView, type EmployeeView, type TicketView } from './directory-view.js';

/** What is wrong with a cited ticket (docs/detection.md, "purpose mismatch"). */
export type TicketProblem =
  'unknown-ticket' | 'other-seller' | 'closed' | 'not-theirs' | 'self-opened';

export interface Judgement {
  /** The access has a purpose: an assignment or a fitting ticket. */
  readonly justified: boolean;
  readonly problems: readonly TicketProblem[];
  /** The ticket that justified it, if one did. */
  readonly ticket: TicketView | undefined;
}

/** Tickets stay usable for a while after closing: follow-ups are normal. */
const CLOSED_GRACE = 3 * 86_400_000;
/** A ticket may be recorded a little after the work on it began. */
const OPEN_SLACK = 10 * 60_000;

/** No problem: one list for every judgement that has none (a judgement is never changed). */
const NO_PROBLEMS: readonly TicketProblem[] = Object.freeze([]);
const UNJUSTIFIED: Judgement = { justified: false, problems: NO_PROBLEMS, ticket: undefined };
/** Justified by an assignment: no ticket involved. */
const STANDING: Judgement = { justified: true, problems: NO_PROBLEMS, ticket: undefined };
const UNKNOWN_TICKET: Judgement = Object.freeze({
  justified: false,
  problems: Object.freeze(['unknown-ticket'] as const),
  ticket: undefined,
});

// A cited ticket's problems as bits, and every combination's list made once, in the order the
// problems are told: a cited access (a good share of all events) allocates no list of its own.
const OTHER_SELLER = 1;
const CLOSED = 2;
const SELF_OPENED = 4;
const NOT_THEIRS = 8;
const BLOCKING = OTHER_SELLER | NOT_THEIRS;
const PROBLEM_BITS = [
  [OTHER_SELLER, 'other-seller'],
  [CLOSED, 'closed'],
  [SELF_OPENED, 'self-opened'],
  [NOT_THEIRS, 'not-theirs'],
] as const;
const PROBLEM_LISTS: readonly (readonly TicketProblem[])[] = Array.from({ length: 16 }, (_, bits) =>
  Object.freeze(PROBLEM_BITS.filter(([bit]) => (bits & bit) !== 0).map(([, p]) => p)),
);

/**
 * A judgement by a ticket (cited, or held): its `TicketView` is built at the first asking, and
 * most judgements are never asked (a seller access reads whether it is justified and its
 * problems). Read within the event judged: the directory does not move until the next record.
 */
class TicketJudgement implements Judgement {
  private view: TicketView | undefined;

  constructor(
    readonly justified: boolean,
    readonly problems: readonly TicketProblem[],
    private readonly dir: DirectoryView,
    private readonly k: number,
  ) {}

  get ticket(): TicketView {
    return (this.view ??= this.dir.ticket(this.k));
  }
}

export function judge(
  dir: DirectoryView,
  e: AccessEvent,
  t: number,
  who: EmployeeView | undefined,
  sellers: readonly string[],
  reviews: readonly number[],
): Judgement {
  for (let i = 0; i < sellers.length; i++)
    if (dir.isAssigned(e.actor, sellers[i]!, t)) return STANDING;
  if (e.ticket !== undefined) return judgeCited(dir, e, t, who, sellers, reviews);
  const held = heldTicket(dir, e.actor, t, sellers);
  return held === NONE ? UNJUSTIFIED : new TicketJudgement(true, NO_PROBLEMS, dir, held);
}

function judgeCited(
  dir: DirectoryView,
  e: AccessEvent,
  t: number,
  who: EmployeeView | undefined,
  sellers: readonly string[],
  reviews: readonly number[],
): Judgement {
  const k = dir.ticketOf(e.ticket!);
  if (k === NONE) return UNKNOWN_TICKET;
  let problems = 0;
  if (!fits(dir, k, sellers, reviews)) problems |= OTHER_SELLER;
  const closedAt = dir.ticketClosedAt(k);
  const assignee = dir.ticketAssigneeId(k);
  if (
    closedAt !== undefined &&
    t > closedAt + CLOSED_GRACE &&
    !managesAssignee(dir, e.actor, assignee)
  )
    problems |= CLOSED;
  if (dir.ticketOpenedById(k) === e.actor) problems |= SELF_OPENED;
  if (assignee !== e.actor && !colleague(dir, who, assignee)) problems |= NOT_THEIRS;
  const justified = (problems & BLOCKING) === 0 && dir.ticketOpenedAt(k) <= t + OPEN_SLACK;
  return new TicketJudgement(justified, PROBLEM_LISTS[problems]!, dir, k);
}

/** Whether ticket `k` names one of the sellers, or one of the reviews. */
function fits(
  dir: DirectoryView,
  k: number,
  sellers: readonly string[],
  reviews: readonly number[],
): boolean {
  for (let i = 0; i < sellers.length; i++) if (dir.ticketNames(k, sellers[i]!)) return true;
  const review = dir.ticketReview(k);
  return review !== NONE && reviews.includes(review);
}

/**
 * Someone whose tickets the employee may work: the same team, the same role (follow-the-sun
 * and overflow queues pass tickets across sites and teams), the same manager, or a direct
 * report or manager of theirs. Shadowing, hand-overs and new hires learning on a colleague's
 * queue cite each other's tickets. Read from the directory's structure, never from its names.
 */
function colleague(
  dir: DirectoryView,
  who: EmployeeView | undefined,
  other: string | undefined,
): boolean {
  if (!who || other === undefined) return false;
  const o = dir.employees.get(other);
  if (o === undefined) return false;
  return (
    o.team === who.team ||
    o.role === who.role ||
    (o.manager !== undefined && o.manager === who.manager) ||
    o.manager === who.id ||
    who.manager === o.id
  );
}

/**
 * Whether the ticket's assignee reports to the actor: a manager re-reading a report's closed
 * ticket is reviewing their work (quality sampling), not using a stale ticket as cover. Read
 * from the directory's manager field, never from titles.
 */
function managesAssignee(dir: DirectoryView, actor: string, assignee: string | undefined): boolean {
  if (assignee === undefined) return false;
  return dir.employees.get(assignee)?.manager === actor;
}

/**
 * A ticket assigned to the employee, open now, naming one of the sellers (a forgotten
 * citation): its number, or `NONE`.
 */
function heldTicket(
  dir: DirectoryView,
  actor: string,
  t: number,
  sellers: readonly string[],
): number {
  for (let i = 0; i < sellers.length; i++)
    for (let n = dir.firstHeld(actor, sellers[i]!); n !== NONE; n = dir.nextHeld(n)) {
      const k = dir.heldTicket(n);
      const closedAt = dir.ticketClosedAt(k);
      if (
        dir.ticketOpenedAt(k) <= t + OPEN_SLACK &&
        (closedAt === undefined || t <= closedAt + CLOSED_GRACE)
      )
        return k;
    }
  return NONE;
}
