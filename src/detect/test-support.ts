/** Builds small interchange streams for detector tests. */
import type { InterchangeRecord } from '../domain/index.js';

/** mulberry32 (Tommy Ettinger): a tiny seeded PRNG, uniform in [0, 1), for tests' data. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.UTC(2026, 8, 7, 9);
export const at = (day: number, hour = 0, minute = 0): string =>
  new Date(T0 + day * 86_400_000 + hour * 3_600_000 + minute * 60_000)
    .toISOString()
    .replace('.000Z', 'Z');

export class Stream {
  readonly records: InterchangeRecord[] = [];
  private n = 0;

  employee(
    id: string,
    o: {
      team?: string;
      role?: string;
      site?: string;
      leftAt?: string;
      shift?: 'day' | 'night';
      manager?: string;
    } = {},
  ): this {
    this.records.push({
      kind: 'employee',
      body: {
        id,
        team: o.team ?? 'seller-support',
        role: o.role ?? 'support-agent',
        site: o.site ?? 'Dublin',
        ...(o.leftAt ? { leftAt: o.leftAt } : {}),
        ...(o.shift ? { shift: o.shift } : {}),
        ...(o.manager ? { manager: o.manager } : {}),
      },
    });
    return this;
  }

  seller(id: string, category = 'toys'): this {
    this.records.push({ kind: 'seller', body: { id, category, region: 'EU' } });
    this.records.push({ kind: 'product', body: { id: `p-${id}`, sellerId: id, category } });
    return this;
  }

  review(id: string, seller: string, reviewer: string, rating: 1 | 2 | 3 | 4 | 5): this {
    this.records.push({
      kind: 'review',
      body: { id, productId: `p-${seller}`, reviewerId: reviewer, rating, createdAt: at(-30) },
    });
    return this;
  }

  assign(employeeId: string, sellerId: string): this {
    this.records.push({ kind: 'assignment', body: { employeeId, sellerId, from: at(-100) } });
    return this;
  }

  ticket(
    id: string,
    sellerId: string,
    assigneeId: string,
    o: { openedBy?: string; closedAt?: string; openedAt?: string; reviewId?: string } = {},
  ): this {
    this.records.push({
      kind: 'ticket',
      body: {
        id,
        sellerId,
        assigneeId,
        openedAt: o.openedAt ?? at(-1),
        openedBy: o.openedBy ?? 'seller',
        ...(o.closedAt ? { closedAt: o.closedAt } : {}),
        ...(o.reviewId ? { reviewId: o.reviewId } : {}),
      },
    });
    return this;
  }

  report(reviewId: string, when: string): this {
    this.records.push({
      kind: 'report',
      body: { id: `rp-${reviewId}`, reviewId, reportedAt: when, reason: 'offensive' },
    });
    return this;
  }

  /**
   * Two earlier worked days (a login each) for these employees: enough history for their peer
   * group's norms to be learned (detection's cold start, docs/detection.md).
   */
  history(ids: readonly string[]): this {
    for (const day of [-3, -2])
      for (const id of ids) this.event(id, 'login', 'system', 'console', at(day));
    return this;
  }

  /** An event; returns its id through `ids` for assertions. */
  event(
    actor: string,
    action: string,
    type: string,
    target: string,
    time: string,
    o: {
      ticket?: string | undefined;
      attrs?: Record<string, unknown>;
      ip?: string;
      device?: string;
      session?: string;
    } = {},
  ): string {
    const id = `ev-${++this.n}`;
    this.records.push({
      kind: 'event',
      body: {
        id,
        time,
        actor,
        action: action as 'login',
        target: { type: type as 'seller', id: target },
        ...(o.ticket ? { ticket: o.ticket } : {}),
        context: {
          ip: o.ip ?? `10.9.${actor}`,
          device: o.device ?? `d-${actor}`,
          ...(o.session ? { session: o.session } : {}),
        },
        ...(o.attrs ? { attrs: o.attrs } : {}),
      },
    });
    return id;
  }
}
