import type { Review } from '../domain/index.js';
import { canonicalJson } from '../ledger/index.js';
import type { AliasIssue, StoreTransaction } from '../store/index.js';
import type { RelayAliases } from '../privacy/index.js';
import type { FactReader } from './facts.js';
import { GuardError } from './errors.js';
import type { Enforcement, GuardRequest } from './operation.js';

/** What an enforcement effect reads (a part of effects.ts's `EffectContext`). */
interface EffectContext {
  readonly facts: FactReader;
  readonly aliases: RelayAliases;
  readonly time: string;
  readonly eventId: string;
  readonly newId: (prefix: string) => string;
}

/** What an allowed measure does and returns (effects.ts's `Effect`). */
interface Effect {
  readonly effects?: readonly { readonly kind: 'review'; readonly body: Review }[];
  readonly state?: (tx: StoreTransaction) => Promise<void>;
  readonly data: Readonly<Record<string, unknown>>;
  readonly attrs?: Readonly<Record<string, unknown>>;
}

/** What a measure acts on, and the measure that undoes it. */
interface Measure {
  readonly on: 'seller' | 'employee' | 'reviews' | 'case';
  readonly reverses?: string;
}

/**
 * The enforcement measures, each with its reversal: what is done is undone by another
 * guarded, approved, ledgered measure, never by editing the record.
 */
export const MEASURES: Readonly<Record<string, Measure>> = {
  'seller.suspend': { on: 'seller' },
  'seller.terminate': { on: 'seller' },
  'seller.reinstate': { on: 'seller', reverses: 'seller.suspend, seller.terminate' },
  'funds.withhold': { on: 'seller' },
  'funds.release': { on: 'seller', reverses: 'funds.withhold' },
  'reviews.remove': { on: 'reviews' },
  'reviews.restore': { on: 'reviews', reverses: 'reviews.remove' },
  'employee.suspend': { on: 'employee' },
  'employee.revoke': { on: 'employee' },
  'employee.reinstate': { on: 'employee', reverses: 'employee.suspend, employee.revoke' },
  'legal.referral': { on: 'case' },
};

const MAX_REVIEWS = 1000;

/** Checks an enforcement's shape before anything is read. */
export function checkEnforcement(req: GuardRequest): void {
  const e = req.enforcement;
  const bad = (why: string): never => {
    throw new GuardError('REQUEST_INVALID', `case.enforce: ${why}`);
  };
  if (!e) return bad('the measure is required');
  const m = MEASURES[e.measure];
  if (!m)
    bad(
      `unknown measure ${JSON.stringify(e.measure)}; one of: ${Object.keys(MEASURES).join(', ')}`,
    );
  if (!req.reason) bad('a reason is required (it goes to the statement of reasons)');
  if (typeof e.subject !== 'string' || e.subject.length === 0 || e.subject.length > 128) {
    bad('the subject is an id of 1–128 characters');
  }
  if (e.measure.startsWith('funds.')) {
    const ok = Number.isSafeInteger(e.amount) && (e.amount ?? 0) > 0;
    if (!ok || !/^[A-Z]{3}$/.test(e.currency ?? '')) {
      bad('funds measures need --amount (whole minor units > 0) and --currency (ISO 4217)');
    }
  }
  if (
    m?.on === 'reviews' &&
    (!e.reviews || e.reviews.length === 0 || e.reviews.length > MAX_REVIEWS)
  ) {
    bad(`review measures name 1–${MAX_REVIEWS} reviews`);
  }
  const toSeller = m?.on === 'seller' || m?.on === 'reviews';
  if (toSeller && !e.measure.endsWith('.reinstate') && e.measure !== 'funds.release' && !e.rule) {
    bad('--rule is required: the seller is told which rule was broken (EU DSA Art. 17)');
  }
  if (e.measure === 'legal.referral' && !/^[0-9a-f]{64}$/.test(e.bundle ?? '')) {
    bad("a referral carries the evidence bundle: its manifest's SHA-256 (warden case export)");
  }
}

/** The measure that undoes `measure`, if any. */
export function reversalOf(measure: string): string | undefined {
  return Object.entries(MEASURES).find(([, m]) =>
    (m.reverses ?? '').split(', ').includes(measure),
  )?.[0];
}

/** The directory kind a measure's subject must exist as. */
export function subjectKind(e: Enforcement): 'seller' | 'employee' | undefined {
  const on = MEASURES[e.measure]?.on;
  return on === 'seller' || on === 'reviews'
    ? 'seller'
    : on === 'employee'
      ? 'employee'
      : undefined;
}

/**
 * The effect of an allowed measure: the command for the marketplace's systems, written to the
 * outbox in the same transaction as the measure's event; a review measure's new review
 * versions; an employee measure's access state, which the guard reads on every request.
 */
export async function enforcementEffect(req: GuardRequest, c: EffectContext): Promise<Effect> {
  const e = req.enforcement;
  if (!e) throw new GuardError('REQUEST_INVALID', 'case.enforce needs its measure');
  const command = {
    id: c.newId('cmd'),
    caseId: req.targetId,
    measure: e.measure,
    payload: canonicalJson({
      ...e,
      case: req.targetId,
      reason: req.reason ?? '',
      decidedBy: req.employeeId,
      event: c.eventId,
    }),
    createdAt: c.time,
    eventId: c.eventId,
    attempts: 0,
  };
  const reviews = await reviewVersions(e, c);
  const told = toldReviewers(e, req, c, reviews);
  const state = async (tx: StoreTransaction): Promise<void> => {
    await tx.putOutbox(command);
    for (const issue of told) await tx.recordAliasIssue(issue);
    if (e.measure === 'employee.suspend') await tx.putAccess(e.subject, 'suspended', c.eventId);
    if (e.measure === 'employee.revoke') await tx.putAccess(e.subject, 'revoked', c.eventId);
    if (e.measure === 'employee.reinstate') await tx.putAccess(e.subject, undefined, c.eventId);
  };
  return {
    ...(reviews.length > 0
      ? { effects: reviews.map((body) => ({ kind: 'review' as const, body })) }
      : {}),
    state,
    data: {
      measure: e.measure,
      command: command.id,
      ...(e.measure === 'reviews.restore'
        ? { tell: told.map((t) => ({ reviewerId: t.reviewer, alias: t.alias })) }
        : {}),
    },
    ...(e.measure === 'reviews.restore' ? { attrs: { told: told.map((t) => t.reviewer) } } : {}),
  };
}

/** `reviews.remove` / `reviews.restore`: a new version of each review, with or without `removedAt`. */
async function reviewVersions(e: Enforcement, c: EffectContext): Promise<Review[]> {
  if (e.measure !== 'reviews.remove' && e.measure !== 'reviews.restore') return [];
  const out: Review[] = [];
  for (const id of e.reviews ?? []) {
    const current = await c.facts.review(id);
    if (!current) throw new GuardError('REQUEST_INVALID', `case.enforce: no review ${id}`);
    if (current.sellerId !== e.subject) {
      throw new GuardError(
        'REQUEST_INVALID',
        `case.enforce: review ${id} is not of seller ${e.subject}`,
      );
    }
    const { removedAt: _removed, ...rest } = current.record;
    out.push(e.measure === 'reviews.remove' ? { ...rest, removedAt: c.time } : rest);
  }
  return out;
}

/**
 * A restore of wrongly removed negative reviews tells their reviewers, through relay aliases
 * only (the marketplace's relay delivers; nobody sees an address). The aliases are the
 * employee's who carries the restore out, and each is recorded as a hand-out (`relay_aliases`,
 * the event lists the reviewers as `attrs.told`) exactly as a `reviewer.contact.view` is: a
 * leaked alias names who received it (`warden alias resolve`), and `ledger verify` holds the
 * rows to the event.
 */
function toldReviewers(
  e: Enforcement,
  req: GuardRequest,
  c: EffectContext,
  reviews: readonly Review[],
): AliasIssue[] {
  if (e.measure !== 'reviews.restore') return [];
  const negative = reviews.filter((r) => r.rating <= 2);
  const reviewers = [...new Set(negative.map((r) => r.reviewerId))];
  return reviewers.map((reviewer) => ({
    alias: c.aliases.aliasFor(req.employeeId, reviewer),
    viewer: req.employeeId,
    reviewer,
    issuedAt: c.time,
    eventId: c.eventId,
  }));
}
