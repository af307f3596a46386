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
  return held ? { justified: true, problems: NO_PROBLEMS, ticket: held } : UNJUSTIFIED;
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
  if (k === NONE) return { justified: false, problems: ['unknown-ticket'], ticket: undefined };
  const ticket = dir.ticket(k);
  const problems: TicketProblem[] = [];
  const fits =
    sellers.some((s) => ticket.sellerId === s || ticket.related.includes(s)) ||
    (ticket.review !== NONE && reviews.includes(ticket.review));
  if (!fits) problems.push('other-seller');
  if (
    ticket.closedAt !== undefined &&
    t > ticket.closedAt + CLOSED_GRACE &&
    !managesAssignee(dir, e.actor, ticket.assigneeId)
  )
    problems.push('closed');
  if (ticket.openedBy === e.actor) problems.push('self-opened');
  if (ticket.assigneeId !== e.actor && !colleague(dir, who, ticket.assigneeId))
    problems.push('not-theirs');
  const blocking = problems.some((p) => p === 'other-seller' || p === 'not-theirs');
  return { justified: !blocking && ticket.openedAt <= t + OPEN_SLACK, problems, ticket };
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

/** A ticket assigned to the employee, open now, naming one of the sellers (a forgotten citation). */
function heldTicket(
  dir: DirectoryView,
  actor: string,
  t: number,
  sellers: readonly string[],
): TicketView | undefined {
  for (let i = 0; i < sellers.length; i++)
    for (let n = dir.firstHeld(actor, sellers[i]!); n !== NONE; n = dir.nextHeld(n)) {
      const k = dir.heldTicket(n);
      const closedAt = dir.ticketClosedAt(k);
      if (
        dir.ticketOpenedAt(k) <= t + OPEN_SLACK &&
        (closedAt === undefined || t <= closedAt + CLOSED_GRACE)
      )
        return dir.ticket(k);
    }
  return undefined;
}
