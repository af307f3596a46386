import type { Assignment, Employee, Product, Review, RiskEntry, Ticket } from '../domain/index.js';
import { parseTime } from '../domain/index.js';
import type { Store } from '../store/index.js';
import { GuardError } from './errors.js';
import type { CaseFacts, EmployeeFacts, ReviewFacts, TicketFacts } from './request.js';

const MAX_REPORTING_LINE = 32;

/** Epoch ms of a stored RFC 3339 time (stored records were validated on the way in). */
export function ms(time: string): number {
  const t = parseTime(time);
  if (t === undefined) throw new GuardError('REQUEST_INVALID', `not a time: ${time}`);
  return t;
}

export interface FactOptions {
  /** A risk score at or above this makes an employee high-risk (no approvals). Default 50. */
  readonly highRiskScore?: number;
  /** How long the risk scores read from the store are reused. Default 60 s. */
  readonly riskTtlMs?: number;
}

/**
 * Reads a request's facts from the directory as they stand at `now`: who the employee is
 * and works for, whether the cited ticket is open and what it names, which seller a review
 * belongs to. Every call reads afresh: an assignment ended or a ticket closed a second ago
 * no longer counts.
 */
export class FactReader {
  private risk: { at: number; high: Set<string> } | undefined;
  private readonly highRiskScore: number;
  private readonly riskTtlMs: number;

  constructor(
    private readonly store: Store,
    private readonly now: () => string,
    options: FactOptions = {},
  ) {
    this.highRiskScore = options.highRiskScore ?? 50;
    this.riskTtlMs = options.riskTtlMs ?? 60_000;
  }

  /**
   * An employee's facts. `reads` names the attributes the action's policies read: the ones
   * that cost a query (risk, assignments, the reporting line) are looked up only when read.
   */
  async employee(
    id: string,
    reads: ReadonlySet<string> | 'all' = 'all',
  ): Promise<EmployeeFacts | undefined> {
    const e = await this.record<Employee>('employee', id);
    if (!e) return undefined;
    const at = ms(this.now());
    const needs = (attr: string): boolean => reads === 'all' || reads.has(attr);
    // suspended or revoked by an enforcement measure: as good as gone until reinstated
    const active =
      (e.hiredAt === undefined || ms(e.hiredAt) <= at) &&
      (e.leftAt === undefined || ms(e.leftAt) > at) &&
      (await this.store.cases.accessOf(id)) === undefined;
    return {
      id: e.id,
      team: e.team,
      role: e.role,
      site: e.site,
      active,
      highRisk: needs('highRisk') && (await this.highRisk()).has(e.id),
      assignedSellers: needs('assignedSellers') ? await this.assignedSellers(id, at) : [],
      managers: needs('managers') ? await this.managersOf(e) : [],
    };
  }

  /** The reporting line above an employee (stops at a cycle or an unknown manager). */
  async managers(id: string): Promise<string[]> {
    const e = await this.record<Employee>('employee', id);
    return e ? this.managersOf(e) : [];
  }

  async ticket(id: string): Promise<TicketFacts | undefined> {
    const t = await this.record<Ticket>('ticket', id);
    if (!t) return undefined;
    const at = ms(this.now());
    const open = ms(t.openedAt) <= at && (t.closedAt === undefined || ms(t.closedAt) > at);
    const review =
      t.reviewId === undefined ? undefined : await this.record<Review>('review', t.reviewId);
    return {
      id: t.id,
      open,
      holders: t.assigneeId === undefined ? [] : [t.assigneeId],
      sellers: [t.sellerId, ...(t.relatedSellerIds ?? [])],
      reviews: t.reviewId === undefined ? [] : [t.reviewId],
      reviewers: review ? [review.reviewerId] : [],
      legal: t.openedBy === 'legal-intake',
      selfOpened: t.openedBy !== undefined && t.openedBy === t.assigneeId,
    };
  }

  async review(id: string): Promise<(ReviewFacts & { readonly record: Review }) | undefined> {
    const r = await this.record<Review>('review', id);
    if (!r) return undefined;
    const product = await this.record<Product>('product', r.productId);
    return {
      id: r.id,
      sellerId: product?.sellerId ?? '',
      reviewerId: r.reviewerId,
      rating: r.rating,
      removed: r.removedAt !== undefined,
      record: r,
    };
  }

  /** A case's facts for an enforcement measure: its employees and sellers. */
  async caseFacts(id: string): Promise<CaseFacts | undefined> {
    if ((await this.store.cases.get(id)) === undefined) return undefined;
    const members = await this.store.cases.members(id);
    const of = (kind: string): string[] => members.filter((m) => m.kind === kind).map((m) => m.ref);
    return { id, subjects: of('employee'), sellers: of('seller') };
  }

  /** The employees a case investigates (none of them may approve its measures). */
  async caseSubjects(id: string): Promise<string[]> {
    return [...((await this.caseFacts(id))?.subjects ?? [])];
  }

  /** A directory record as stored (personal data sealed), parsed. */
  async record<T>(
    kind: 'employee' | 'seller' | 'reviewer' | 'review' | 'product' | 'ticket',
    id: string,
  ): Promise<T | undefined> {
    const payload = await this.store.directory.get(kind, id);
    return payload === undefined ? undefined : (JSON.parse(payload) as T);
  }

  private async assignedSellers(id: string, at: number): Promise<string[]> {
    const sellers = new Set<string>();
    for (const payload of await this.store.directory.assignmentsOf(id)) {
      const a = JSON.parse(payload) as Assignment;
      const ended = a.to !== undefined && a.to !== null && ms(a.to) <= at;
      if (ms(a.from) <= at && !ended) sellers.add(a.sellerId);
    }
    return [...sellers];
  }

  private async managersOf(e: Employee): Promise<string[]> {
    const line: string[] = [];
    let next = e.manager;
    while (next !== undefined && next !== e.id && !line.includes(next)) {
      line.push(next);
      if (line.length >= MAX_REPORTING_LINE) break;
      next = (await this.record<Employee>('employee', next))?.manager;
    }
    return line;
  }

  private async highRisk(): Promise<Set<string>> {
    const at = Date.now();
    if (this.risk && at - this.risk.at < this.riskTtlMs) return this.risk.high;
    const latest = await this.store.findings.latest();
    const risk: readonly RiskEntry[] = latest?.findings.risk ?? [];
    const high = new Set(
      risk.filter((r) => r.score >= this.highRiskScore).map((r) => r.employeeId),
    );
    this.risk = { at, high };
    return high;
  }
}
