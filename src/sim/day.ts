/**
 * One simulated day being written: the events and directory records it produces, the shifts
 * worked, and the helpers every workflow and scenario uses to act (so that all of them leave
 * events of the same shape).
 */
import type { Rng } from './random.js';
import { HOUR, iso, type SimEmployee, type World } from './world.js';
import type { LabelBuilder } from './label-builder.js';

export interface SimEvent {
  t: number;
  readonly actor: SimEmployee;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly ticket: string | undefined;
  readonly context: Context;
  readonly attrs: Record<string, unknown> | undefined;
  readonly tag: LabelBuilder | undefined;
  readonly seq: number;
}

export interface Context {
  readonly ip: string;
  readonly device: string;
  readonly session: string;
  readonly geo: string;
}

/** A directory record (the interchange object), due at time `t`. */
export interface DueRecord {
  readonly t: number;
  readonly seq: number;
  readonly record: Record<string, unknown>;
}

export interface Shift {
  readonly start: number;
  readonly length: number;
  context: Context;
}

export interface ActOptions {
  readonly ticket?: string | undefined;
  readonly attrs?: Record<string, unknown>;
  readonly tag?: LabelBuilder | undefined;
  readonly context?: Context;
}

export class Day {
  readonly events: SimEvent[] = [];
  readonly shifts = new Map<number, Shift>();
  private seq = 0;

  constructor(
    readonly world: World,
    readonly index: number,
    readonly start: number,
    readonly rng: Rng,
    private readonly due: DueRecord[],
  ) {}

  get end(): number {
    return this.start + 24 * HOUR;
  }

  /** Records a directory record due at `t` (now or on a later day). */
  directory(t: number, record: Record<string, unknown>): void {
    this.due.push({ t, seq: this.due.length, record: { v: 1, ...record } });
  }

  /** Starts a console session for the employee's shift: a login event and its context. */
  beginShift(e: SimEmployee, start: number, length: number, remote: boolean): Shift {
    const shift: Shift = { start, length, context: this.session(e, remote) };
    this.shifts.set(e.index, shift);
    this.act(e, start, 'login', 'dataset', 'console', { context: shift.context });
    return shift;
  }

  /** A second session in the same shift (after a break). */
  relogin(e: SimEmployee, t: number): void {
    const shift = this.shifts.get(e.index);
    if (!shift) return;
    const remote = shift.context.ip.startsWith('100.64.');
    shift.context = this.session(e, remote);
    this.act(e, t, 'login', 'dataset', 'console', { context: shift.context });
  }

  session(e: SimEmployee, remote: boolean, ip?: string, device?: string): Context {
    const n = ++this.world.counters.session;
    return {
      ip:
        ip ??
        (remote
          ? `100.64.${e.index >> 8}.${e.index & 255}`
          : (e.officeIp ?? `10.${e.site.index}.${e.index >> 8}.${e.index & 255}`)),
      device: device ?? e.device,
      session: `ss-${n.toString(36)}`,
      geo: e.site.geo,
    };
  }

  act(
    e: SimEmployee,
    t: number,
    action: string,
    targetType: string,
    targetId: string,
    o: ActOptions = {},
  ): void {
    const context = o.context ?? this.shifts.get(e.index)?.context ?? this.session(e, false);
    // A leaver's access ends at `leftAt`: a shift that runs past it stops there (detection
    // treats any act after leaving as an unambiguous fact, docs/detection.md).
    if (e.leftAt !== undefined && t >= e.leftAt) return;
    if (o.tag) o.tag.acted.set(e.id, (o.tag.acted.get(e.id) ?? 0) + 1);
    this.events.push({
      t: Math.floor(t / 1000) * 1000,
      actor: e,
      action,
      targetType,
      targetId,
      ticket: o.ticket,
      context,
      attrs: o.attrs,
      tag: o.tag,
      seq: this.seq++,
    });
  }

  /** Opens a ticket now, assigned to `assignee`, closing after `closeAfter` ms (if ever). */
  openTicket(o: {
    readonly seller: number;
    readonly openedAt: number;
    readonly assignee: SimEmployee;
    readonly openedBy: string;
    readonly topic: string;
    readonly reviewId?: string | undefined;
    readonly closeAfter?: number | undefined;
    /** Other sellers the case concerns (a programme's case names them all). */
    readonly related?: readonly number[];
  }): string {
    const id = `t-${String(++this.world.counters.ticket).padStart(7, '0')}`;
    const record: Record<string, unknown> = {
      kind: 'ticket',
      id,
      sellerId: this.world.sellers[o.seller]?.id,
      openedAt: iso(o.openedAt),
      assigneeId: o.assignee.id,
      openedBy: o.openedBy,
      topic: o.topic,
    };
    if (o.reviewId !== undefined) record['reviewId'] = o.reviewId;
    if (o.related !== undefined)
      record['relatedSellerIds'] = o.related.map((s) => this.world.sellers[s]!.id);
    this.directory(o.openedAt, record);
    if (o.closeAfter !== undefined)
      this.directory(o.openedAt + o.closeAfter, {
        ...record,
        closedAt: iso(o.openedAt + o.closeAfter),
      });
    this.world.tickets.set(id, {
      seller: o.seller,
      openedAt: o.openedAt,
      assignee: o.assignee.index,
      ...(o.closeAfter === undefined ? {} : { closedAt: o.openedAt + o.closeAfter }),
    });
    o.assignee.ticketsWorked.push(id);
    if (o.assignee.ticketsWorked.length > 200) o.assignee.ticketsWorked.splice(0, 100);
    return id;
  }

  /** Removes a review: the event and the directory update the moderation system sends. */
  deleteReview(
    e: SimEmployee,
    t: number,
    review: number,
    reason: string,
    o: ActOptions = {},
  ): void {
    const r = this.world.reviews[review];
    if (!r || r.removed) return;
    r.removed = true;
    this.act(e, t, 'review.view', 'review', r.id, o);
    this.act(e, t + 20_000 + this.rng.int(0, 120_000), 'review.delete', 'review', r.id, {
      ...o,
      attrs: { reason },
    });
    this.directory(t + 200_000, {
      ...reviewRecord(this.world, review),
      removedAt: iso(t + 200_000),
    });
  }

  restoreReview(e: SimEmployee, t: number, review: number, o: ActOptions = {}): void {
    const r = this.world.reviews[review];
    if (!r || !r.removed) return;
    r.removed = false;
    this.act(e, t, 'review.restore', 'review', r.id, o);
    this.directory(t + 60_000, reviewRecord(this.world, review));
  }

  report(review: number, t: number, reason: string): void {
    const r = this.world.reviews[review];
    if (!r) return;
    const id = `rp-${String(++this.world.counters.report).padStart(7, '0')}`;
    this.directory(t, { kind: 'report', id, reviewId: r.id, reportedAt: iso(t), reason });
  }

  /** A random time inside the employee's shift today, or undefined when they do not work today. */
  timeInShift(e: SimEmployee, after = 0.05, before = 0.95): number | undefined {
    const s = this.shifts.get(e.index);
    if (!s) return undefined;
    return s.start + s.length * (after + (before - after) * this.rng.next());
  }
}

export function reviewRecord(world: World, review: number): Record<string, unknown> {
  const r = world.reviews[review]!;
  const p = world.products[r.product]!;
  return {
    kind: 'review',
    id: r.id,
    productId: p.id,
    reviewerId: world.reviewers[r.reviewer]?.id,
    rating: r.rating,
    createdAt: iso(r.createdAt),
  };
}
