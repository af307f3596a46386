/**
 * The marketplace abuse detectors (docs/detection.md): each looks at one kind of event in
 * its directory context and returns hits; the alert rules watch the hits in sliding windows.
 */
import type { AccessEvent } from '../domain/index.js';
import type { Alert } from '../domain/index.js';
import { AlertBook, Windows, type AlertListener, type Mark } from './alert-book.js';
import { NONE, type DirectoryView, type EmployeeView } from './directory-view.js';
import type { Hit, Indicator } from './evidence.js';
import { PEER_HALF, normKey, type Behaviour, type PeerNorms } from './peers.js';
import { judge, type Judgement, type TicketProblem } from './purpose.js';
import { SellerLedger } from './sellers.js';
import { DetractorDays } from './detractor-days.js';
import { certainFacts, type CertainFact } from './certain.js';
import { BEYOND, Corroboration, DETECTOR_FAMILY, type Proposal } from './corroboration.js';

const DAY = 86_400_000;

/** Weights (docs/detection.md, "Weights"): what one event of each kind adds to risk. */
export const WEIGHTS = {
  access: { 'seller.metrics.export': 1.5, 'seller.metrics.view': 1, 'seller.account.view': 0.4 },
  problem: {
    'other-seller': 2.5,
    'not-theirs': 1.5,
    'unknown-ticket': 1,
    closed: 0.3,
  } satisfies Record<Exclude<TicketProblem, 'self-opened'>, number>,
  selfServing: 2,
  negativeLookup: 2,
  lookup: 0.5,
  negativeDeletion: 3,
  weakReason: 1.2,
  personalExport: 6,
  departingExport: 15,
  /** An unambiguous fact (certain.ts): one event is a whole indicator's cap in two. */
  certain: 20,
  sharedSellers: 4,
  repeatedLookup: 1.5,
  repeatedRemoval: 3,
} as const;

/**
 * Distinct days within `HARVEST_SPAN` on which one seller's detractors were looked up: medium,
 * high. Four weeks, not two: a harvest under real dispute tickets can come back once a week
 * (an honest dispute desk, measured on the simulated worlds, never came back to one seller's
 * detractors on a second day within four weeks; docs/detection.md).
 */
const HARVEST_DAYS = { medium: 3, high: 5 } as const;
const HARVEST_SPAN = 28;
/**
 * Rows from which a leaver's personal-field export is bulk (a table, not a hand-over's contact
 * sheet of one book: tens to hundreds of rows). A judgement call.
 */
const BULK_ROWS = 1_000;
/**
 * Metrics views without purpose of one seller within the 28-day window that count as coming
 * back again and again (as two sellers seen twice each do), once the window holds six.
 */
const FOCUS = 4;
/** Distinct days within 14 on which one seller's unreported negatives were removed: medium, high. */
const REMOVAL_DAYS = { medium: 2, high: 3 } as const;

/** A behaviour about one seller repeated on distinct days within 14, tickets or not. */
interface DayAfterDayRule {
  readonly days: { readonly medium: number; readonly high: number };
  readonly indicator: Indicator;
  readonly weight: number;
  readonly detector: string;
  readonly summary: (seller: string, days: number, acts: number) => string;
  /** From this many distinct days the behaviour also counts as a benefit to the seller (rings). */
  readonly benefitDays?: number;
  /**
   * Counts only while the actor's look-ups of the seller's reviewers single out its critics
   * (`selective`): a recall or safety notice reaches every reviewer of a product.
   */
  readonly criticsOnly?: true;
}

/**
 * At most this share of an employee's look-ups of one seller's reviewers, within the harvest
 * span, may reach its 3–5★ reviewers for the look-ups to single out its critics. A recall or
 * safety notice contacts every reviewer of a product (in the simulated worlds most of them
 * 3–5★); a harvest for the seller contacts its critics. One in five: a judgement call that
 * leaves room for a harvester's odd look-up of someone else, and makes camouflage costly
 * (four praisers looked up for every critic).
 */
const PRAISER_SHARE = 0.2;
/**
 * The severity of an alert whose window is within what a tenth of the peers reach, raised
 * because evidence of another kind stands beside it (corroboration.ts).
 */
const CORROBORATED_ONLY = 'medium';

const HARVEST_RULE: DayAfterDayRule = {
  days: HARVEST_DAYS,
  indicator: 'repeated-detractor-lookup',
  weight: WEIGHTS.repeatedLookup,
  detector: 'reviewer-harvest',
  // Coming back for one seller's critics on a second day (no honest employee did on world A
  // seed 1 or world B seed 4; three did on world B seed 3) ties the looker to others serving
  // that seller: a ring's harvester works under real dispute tickets.
  benefitDays: 2,
  criticsOnly: true,
  summary: (seller, days, acts) =>
    `contact look-ups of reviewers who gave ${seller} 1–2 stars on ${days} different days within ${HARVEST_SPAN} (${acts} look-ups), tickets or not`,
};

const REMOVAL_RULE: DayAfterDayRule = {
  days: REMOVAL_DAYS,
  indicator: 'repeated-negative-removal',
  weight: WEIGHTS.repeatedRemoval,
  detector: 'deletion-for-hire',
  summary: (seller, days, acts) =>
    `unreported 1–2 star reviews of ${seller} removed on ${days} different days within 14 (${acts} removals), tickets or not`,
};

/**
 * How a behaviour stands against the employee's peers: `rare` (evidence, alerts may follow),
 * `common` (their job: weighs little, never alerts), `cold` (the group's norm is not learned
 * yet: evidence is kept, alerts wait until it is).
 */
type Standing = 'rare' | 'common' | 'cold';
interface Weighed {
  readonly factor: number;
  readonly standing: Standing;
  /** No qualified peer of a learned group (≥ 3 members, no declared floor) has ever shown it. */
  readonly unseen?: boolean;
}
const WEAK_REASONS = new Set(['other', 'seller-request']);
/** Field names that hold a person's data (normalised: lower case, no separators). */
const PERSONAL_NAMES = new Set([
  'email',
  'mail',
  'phone',
  'mobile',
  'telephone',
  'address',
  'street',
  'postcode',
  'zip',
  'name',
  'fullname',
  'firstname',
  'lastname',
  'surname',
  'ssn',
  'birthdate',
  'dateofbirth',
  'dob',
]);
/** Owners whose `name` or `address` is not a person's (a product's name, an IP address). */
const NOT_A_PERSON = new Set([
  'product',
  'seller',
  'store',
  'shop',
  'category',
  'dataset',
  'file',
  'ip',
  'warehouse',
]);

/** Whether an exported field holds personal data: `reviewer.email`, `customerPhone`, `firstName`… */
export function isPersonalField(field: string): boolean {
  const parts = field.split('.');
  const last = parts[parts.length - 1] ?? '';
  const owner = (parts.length > 1 ? parts[parts.length - 2] : '')?.toLowerCase() ?? '';
  // camelCase and snake_case tails: `customerPhone` → customer + phone, `ip_address` → ip + address.
  const words = last
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((w) => w.toLowerCase());
  const tail = words.join('');
  const lastWord = words[words.length - 1] ?? '';
  const prefix = words.length > 1 ? words.slice(0, -1).join('') : owner;
  if (NOT_A_PERSON.has(prefix)) return false;
  return (
    PERSONAL_NAMES.has(tail) ||
    PERSONAL_NAMES.has(lastWord) ||
    PERSONAL_NAMES.has(words.slice(-2).join(''))
  );
}

/**
 * Which self-opened behaviour an access is, so its norm is learned apart: `self-opened-data`
 * when it takes data out (a metrics export) or reaches a reviewer's personal data under a
 * ticket that does not name the review (a ticket about the seller, not the dispute);
 * `self-opened` otherwise. An intake desk opens tickets for every caller and views their
 * accounts — its job — but its peers do not export or look up reviewers under their own
 * account tickets, so that stays evidence where it is rare (docs/detection.md).
 */
export function selfOpenedBehaviour(e: AccessEvent, j: Judgement): Behaviour {
  if (e.action === 'seller.metrics.export') return 'self-opened-data';
  if (e.action !== 'reviewer.contact.view') return 'self-opened';
  return j.ticket === undefined || j.ticket.review === NONE ? 'self-opened-data' : 'self-opened';
}

/**
 * Whether a removal of a 1–2★ review has a purpose: an assignment, or a ticket that names
 * that review. A ticket about the seller alone (an audit, an account issue) fits the seller,
 * but says nothing about removing its negative reviews: honest audits remove bought (positive)
 * reviews, a removal for hire hides among them (docs/detection.md).
 */
export function removalJustified(j: Judgement, review: number): boolean {
  if (!j.justified) return false;
  return j.ticket === undefined || (review !== NONE && j.ticket.review === review);
}

/**
 * The seller of a seller access as `judge` reads it, and no reviews: `judge` keeps nothing of
 * its lists, so one list serves every access instead of two allocated per event.
 */
const ONE_SELLER: string[] = [''];
const NO_REVIEWS: readonly number[] = Object.freeze([]);

/** Where the detectors' alert hits go (the engine). */
export interface HitSink {
  record(hit: Hit): void;
}

export class Detectors implements AlertListener {
  readonly book: AlertBook;
  private readonly metrics7 = new Windows(7 * DAY);
  private readonly metrics28 = new Windows(28 * DAY);
  private readonly mismatch7 = new Windows(7 * DAY);
  private readonly selfServing14 = new Windows(14 * DAY);
  private readonly lookups14 = new Windows(14 * DAY);
  private readonly deletions14 = new Windows(14 * DAY);
  private readonly personal30 = new Windows(30 * DAY);
  /** Seller → employee → their benefit-giving marks (deletions, look-ups) in 30 days. */
  private readonly benefit = new Map<string, Map<string, Mark>>();
  private readonly benefitSeen = new Set<string>();
  readonly sellers = new SellerLedger();
  private readonly detractors = new DetractorDays(HARVEST_SPAN);
  /** `actor|seller` → the actor's look-ups of the seller's other (3–5★) reviewers, over the harvest span. */
  private readonly praisers = new Windows(HARVEST_SPAN * DAY);
  private readonly removals = new DetractorDays();
  /** Group × behaviour → hits seen while that norm was cold, to be weighed once it is known. */
  private readonly pending = new Map<string, Hit[]>();
  private coldKey = '';
  /** Evidence by family, and proposed alerts waiting for evidence of another kind. */
  readonly corroboration = new Corroboration();
  /** Alerts proposed while reading the current event, settled once its hits are recorded. */
  private proposed: { p: Proposal; beyond: boolean }[] = [];

  constructor(
    private readonly dir: DirectoryView,
    private readonly peers: PeerNorms,
    private readonly sink: HitSink,
  ) {
    this.book = new AlertBook(this);
  }

  /**
   * An alert is a conclusion about its employee: it adds to their risk, citing the event that
   * raised it (always one of theirs).
   */
  alertRaised(alert: Alert, added: number, t: number): void {
    const eventId = alert.events[alert.events.length - 1];
    if (added > 0 && eventId !== undefined)
      this.sink.record({
        indicator: 'alerted',
        employeeId: alert.employeeId,
        eventId,
        t,
        weight: added,
        sellerIds: alert.sellerIds,
      });
  }

  sellerAccess(e: AccessEvent, t: number, who: EmployeeView | undefined, out: Hit[]): void {
    const seller = e.target.id;
    ONE_SELLER[0] = seller;
    const j = judge(this.dir, e, t, who, ONE_SELLER, NO_REVIEWS);
    // (the list the problems' hits keep is made only when there are problems)
    if (j.problems.length > 0) this.problems(e, t, j, [seller], who, out);
    if (j.justified) return;
    const action = e.action as keyof typeof WEIGHTS.access;
    const { factor, standing } = this.weigh(who, 'unjustified', t, e.actor);
    // Common in the peer group: their job, not evidence against them.
    if (standing === 'common') return;
    out.push(
      this.hit(
        'unjustified-seller-access',
        e,
        t,
        WEIGHTS.access[action] * factor,
        [seller],
        standing,
      ),
    );
    if (action === 'seller.account.view') return;
    const mark: Mark = {
      t,
      eventId: e.id,
      sellerId: seller,
      tag: this.dir.sellerCategory.get(seller),
    };
    const week = this.metrics7.add(e.actor, mark);
    const month = this.metrics28.add(e.actor, mark);
    this.peers.notePeak(e.actor, 'metrics-7', week.length);
    this.peers.notePeak(e.actor, 'metrics-28', month.length);
    if (standing === 'rare')
      this.metricsRules(e, t, who, week, month, action === 'seller.metrics.export');
  }

  /** Counts the behaviour for the actor, then weighs it against their peers' norm. */
  private weigh(
    who: EmployeeView | undefined,
    behaviour: Behaviour,
    t: number,
    actor: string,
  ): Weighed {
    const norm = who ? this.peers.norm(who, behaviour, t) : undefined;
    this.peers.count(actor, behaviour);
    if (!norm) return { factor: 1, standing: 'rare' };
    const key = normKey(norm.group, behaviour);
    if (norm.cold) {
      this.coldKey = key;
      return { factor: 1, standing: 'cold' };
    }
    const factor = 1 / (1 + norm.rate / PEER_HALF);
    this.release(key, factor);
    const unseen = norm.members >= 3 && norm.rate === 0 && norm.share === 0;
    return { factor, standing: factor < 0.5 ? 'common' : 'rare', unseen };
  }

  /**
   * Evidence held while its group's norm was cold, weighed now that the norm is known: kept at
   * the factor of the first warm judgement if the behaviour is rare, dropped if it is common.
   */
  private release(key: string, factor: number): void {
    const held = this.pending.get(key);
    if (!held) return;
    this.pending.delete(key);
    if (factor < 0.5) return;
    for (const h of held) this.sink.record({ ...h, weight: h.weight * factor });
  }

  private metricsRules(
    e: AccessEvent,
    t: number,
    who: EmployeeView | undefined,
    week: readonly Mark[],
    month: readonly Mark[],
    exported: boolean,
  ): void {
    const sellers = new Set(week.map((m) => m.sellerId));
    const byCategory = new Map<string, number>();
    for (const s of sellers) {
      const c = this.dir.sellerCategory.get(s ?? '') ?? '?';
      byCategory.set(c, (byCategory.get(c) ?? 0) + 1);
    }
    const topCategory = Math.max(0, ...byCategory.values());
    const raise = (severity: 'medium' | 'high', marks: readonly Mark[], summary: string): void =>
      this.propose(who, marks === week ? 'metrics-7' : 'metrics-28', marks.length, {
        employeeId: e.actor,
        detector: 'metrics-without-purpose',
        severity,
        t,
        marks,
        summary,
      });
    if (
      week.length >= 15 ||
      sellers.size >= 10 ||
      (exported && sellers.size >= 3 && week.length >= 6)
    )
      raise(
        'high',
        week,
        `${week.length} metrics views/exports of ${sellers.size} sellers without assignment or ticket in 7 days`,
      );
    else if ((week.length >= 6 && sellers.size >= 4) || topCategory >= 4)
      raise(
        'medium',
        week,
        `${week.length} metrics views/exports of ${sellers.size} sellers (${topCategory} in one category) without assignment or ticket in 7 days`,
      );
    const repeats = new Map<string, number>();
    for (const m of month) repeats.set(m.sellerId ?? '', (repeats.get(m.sellerId ?? '') ?? 0) + 1);
    const repeated = [...repeats.values()].filter((n) => n >= 2).length;
    // again and again: two sellers seen twice or more, or one seller seen FOCUS times (a
    // broker paid for one seller's competitor's numbers comes back to that one seller)
    const focus = Math.max(...repeats.values());
    if (month.length >= 6 && (repeated >= 2 || focus >= FOCUS))
      raise(
        'medium',
        month,
        `${month.length} metrics views of ${repeats.size} sellers without purpose in 28 days, ${repeated >= 2 ? `${repeated} of them again and again` : `one of them ${focus} times`}`,
      );
  }

  /** Looking up a reviewer's contact: concentrated on those who reviewed one seller badly? */
  reviewerLookup(e: AccessEvent, t: number, who: EmployeeView | undefined, out: Hit[]): void {
    // the reviewer's reviews as first seen: their sellers then, and those they rated 1–2★
    const reviews: number[] = [];
    const reviewed = new Set<string>();
    const criticised = new Set<string>();
    for (let r = this.dir.firstReviewBy(e.target.id); r !== NONE; r = this.dir.nextReviewBy(r)) {
      reviews.push(r);
      const seller = this.dir.firstSeller(r);
      if (seller === undefined) continue;
      reviewed.add(seller);
      if (this.dir.firstRating(r) <= 2) criticised.add(seller);
    }
    const sellers = [...reviewed];
    const j = judge(this.dir, e, t, who, sellers, reviews);
    const selfServed = this.problems(e, t, j, sellers, who, out);
    const negative = [...criticised];
    // Under a fitting ticket the look-up is for the ticket's sellers; the reviewer's other
    // sellers are incidental (a recall of one product reaches reviewers who also reviewed
    // others), and counting it for them would tie the looker to whoever serves those.
    const about = (seller: string): boolean =>
      !j.justified ||
      j.ticket === undefined ||
      j.ticket.sellerId === seller ||
      j.ticket.related.includes(seller);
    for (const seller of sellers)
      if (!negative.includes(seller) && about(seller))
        this.praisers.add(`${e.actor}|${seller}`, { t, eventId: e.id, sellerId: seller });
    for (const seller of negative)
      if (about(seller)) this.dayAfterDay(this.detractors, HARVEST_RULE, e, t, who, seller, out);
    if (j.justified && !selfServed) return;
    if (negative.length === 0) {
      out.push(this.hit('reviewer-lookup', e, t, WEIGHTS.lookup, sellers));
      return;
    }
    const { factor, standing } = this.weigh(who, 'negative-lookup', t, e.actor);
    if (standing === 'common') return;
    out.push(
      this.hit(
        'negative-reviewer-lookup',
        e,
        t,
        WEIGHTS.negativeLookup * (selfServed ? 0.5 : 1) * factor,
        negative,
        standing,
      ),
    );
    for (const seller of negative) {
      this.sellers.lookup(seller, e.target.id, e.actor);
      const marks = this.lookups14.add(`${e.actor}|${seller}`, {
        t,
        eventId: e.id,
        sellerId: seller,
      });
      this.benefitFor(seller, e, t, out);
      this.peers.notePeak(e.actor, 'harvest-14', marks.length);
      const severity = marks.length >= 8 ? 'high' : marks.length >= 3 ? 'medium' : undefined;
      if (severity && standing === 'rare')
        this.propose(who, 'harvest-14', marks.length, {
          employeeId: e.actor,
          detector: 'reviewer-harvest',
          severity,
          t,
          marks,
          summary: `${marks.length} contact look-ups, without a fitting ticket, of reviewers who gave ${seller} 1–2 stars (14 days)`,
        });
    }
  }

  /**
   * Counts the day of `e` for (actor, seller); at the rule's day counts, a hit and an alert:
   * one seller's detractors looked up on distinct days within 28 (a harvest spread over weeks
   * under real tickets), or its unreported 1–2★ reviews removed on distinct days within 14
   * (deletions for hire hidden in an audit's honest work), tickets or not.
   */
  private dayAfterDay(
    days: DetractorDays,
    rule: DayAfterDayRule,
    e: AccessEvent,
    t: number,
    who: EmployeeView | undefined,
    seller: string,
    out: Hit[],
  ): void {
    const { marks, days: n } = days.add(e.actor, seller, e.id, t);
    if (rule.criticsOnly && !this.selective(e.actor, t, seller, marks.length)) return;
    if (rule.benefitDays !== undefined && n >= rule.benefitDays) this.benefitFor(seller, e, t, out);
    this.peers.notePeak(e.actor, rule.indicator, n);
    if (n < rule.days.medium) return;
    out.push(this.hit(rule.indicator, e, t, rule.weight, [seller]));
    this.propose(who, rule.indicator, n, {
      employeeId: e.actor,
      detector: rule.detector,
      severity: n >= rule.days.high ? 'high' : 'medium',
      t,
      marks,
      summary: rule.summary(seller, n, marks.length),
    });
  }

  /**
   * Whether the actor's look-ups of the seller's reviewers within the harvest span single out
   * its critics (`critics` of them did, at most `PRAISER_SHARE` of all reached the others): a
   * recall or a safety notice contacts every reviewer of a product, a harvest for the seller
   * only those who gave it 1–2 stars.
   */
  private selective(actor: string, t: number, seller: string, critics: number): boolean {
    const praisers = this.praisers.count(`${actor}|${seller}`, t);
    return praisers <= (PRAISER_SHARE / (1 - PRAISER_SHARE)) * critics;
  }

  /** Removing a review: negative, unreported, unticketed — deletion for hire? */
  deletion(e: AccessEvent, t: number, who: EmployeeView | undefined, out: Hit[]): void {
    const review = this.dir.reviewOf(e.target.id);
    if (review === NONE) return;
    const rating = this.dir.reviewRating(review);
    if (rating > 2) return;
    const seller = this.dir.reviewSeller(review);
    const reported = this.dir.firstReport(review) <= t;
    const j = judge(this.dir, e, t, who, seller ? [seller] : [], [review]);
    this.problems(e, t, j, seller ? [seller] : [], who, out);
    if (!reported && seller) this.dayAfterDay(this.removals, REMOVAL_RULE, e, t, who, seller, out);
    if (reported || removalJustified(j, review)) return;
    const reason = typeof e.attrs?.['reason'] === 'string' ? e.attrs['reason'] : 'other';
    const { factor, standing, unseen } = this.weigh(who, 'unreported-removal', t, e.actor);
    if (standing === 'common') return;
    const weight =
      WEIGHTS.negativeDeletion * (WEAK_REASONS.has(reason) ? WEIGHTS.weakReason : 1) * factor;
    out.push(
      this.hit('unreported-negative-deletion', e, t, weight, seller ? [seller] : [], standing),
    );
    if (seller) this.sellers.removal(seller, rating, e.actor);
    const marks = this.deletions14.add(e.actor, { t, eventId: e.id, sellerId: seller });
    this.peers.notePeak(e.actor, 'removals-14', marks.length);
    if (seller) this.benefitFor(seller, e, t, out);
    const perSeller = Math.max(
      ...[...new Set(marks.map((m) => m.sellerId))].map(
        (s) => marks.filter((m) => m.sellerId === s).length,
      ),
    );
    // The first such removal in a group where no peer has ever made one is medium on its own.
    const severity =
      marks.length >= 5 || perSeller >= 3
        ? 'high'
        : marks.length >= 2 || unseen === true
          ? 'medium'
          : undefined;
    if (severity && standing === 'rare')
      this.propose(who, 'removals-14', marks.length, {
        employeeId: e.actor,
        detector: 'deletion-for-hire',
        severity,
        t,
        marks,
        summary: `${marks.length} unreported removals of 1–2 star reviews without a ticket in 14 days (${perSeller} for one seller)`,
      });
  }

  /**
   * Unambiguous facts (certain.ts): each is a `critical` alert on its own — the alert rules'
   * `certain` path, no peer norm or corroboration asked — and weighs `WEIGHTS.certain`.
   */
  certain(e: AccessEvent, t: number, who: EmployeeView | undefined, out: Hit[]): void {
    const facts = certainFacts(e, t, who);
    for (let i = 0; i < facts.length; i++) this.raiseCertain(e, t, facts[i]!, out);
  }

  /** One unambiguous fact about one event: a hit of `WEIGHTS.certain` and a critical alert. */
  raiseCertain(e: AccessEvent, t: number, fact: CertainFact, out: Hit[]): void {
    const sellers = e.target.type === 'seller' ? [e.target.id] : [];
    out.push(this.hit(fact.indicator, e, t, WEIGHTS.certain, sellers));
    this.book.raise({
      employeeId: e.actor,
      detector: fact.detector,
      severity: 'critical',
      t,
      marks: [{ t, eventId: e.id, sellerId: sellers[0] }],
      summary: fact.summary,
    });
  }

  /** A bulk export: personal fields, and the exporter about to leave? */
  dataExport(e: AccessEvent, t: number, who: EmployeeView | undefined, out: Hit[]): void {
    const fields = Array.isArray(e.attrs?.['fields'])
      ? (e.attrs['fields'] as unknown[]).filter((f) => typeof f === 'string')
      : [];
    const personal = fields.filter(isPersonalField);
    if (personal.length === 0 || this.underOwnCase(e, t)) return;
    const rows = typeof e.attrs?.['rows'] === 'number' ? e.attrs['rows'] : 0;
    const leaving = who?.leftAt !== undefined && t >= who.leftAt - 30 * DAY;
    const mark = [{ t, eventId: e.id }];
    if (leaving && rows < BULK_ROWS) {
      // A hand-over: a book's contact sheet to a successor — noted, not alerted.
      out.push(this.hit('personal-data-export', e, t, WEIGHTS.personalExport / 2, []));
      return;
    }
    if (leaving) {
      out.push(this.hit('departing-export', e, t, WEIGHTS.departingExport, []));
      this.book.raise({
        employeeId: e.actor,
        detector: 'departing-exfiltration',
        severity: rows >= 50_000 ? 'critical' : 'high',
        t,
        marks: mark,
        summary: `exported ${rows.toLocaleString('en-US')} rows with personal fields (${personal.join(', ')}) before leaving`,
      });
      return;
    }
    const exports = this.personal30.add(e.actor, mark[0]!).length;
    this.peers.notePeak(e.actor, 'personal-export-30', exports);
    const { factor, standing } = this.weigh(who, 'personal-export', t, e.actor);
    if (standing === 'common') return;
    out.push(this.hit('personal-data-export', e, t, WEIGHTS.personalExport * factor, []));
    if (standing !== 'rare') return;
    this.propose(who, 'personal-export-30', exports, {
      employeeId: e.actor,
      detector: 'personal-data-export',
      severity: 'medium',
      t,
      marks: mark,
      summary: `exported ${rows.toLocaleString('en-US')} rows with personal fields (${personal.join(', ')}), which their peers rarely do`,
    });
  }

  /**
   * What is wrong with the ticket an event cites. Returns whether the ticket being self-opened
   * counts against the actor (it does not where their peers open their own tickets daily).
   */
  private problems(
    e: AccessEvent,
    t: number,
    j: Judgement,
    sellers: readonly string[],
    who: EmployeeView | undefined,
    out: Hit[],
  ): boolean {
    let selfServed = false;
    for (let i = 0; i < j.problems.length; i++) {
      const p = j.problems[i]!;
      if (p === 'self-opened') selfServed = this.selfOpened(e, t, j, sellers, who, out);
      else if (p === 'closed') {
        // Follow-ups and quality sampling of closed tickets: evidence only where peers rarely do it.
        const { factor, standing } = this.weigh(who, 'late-follow-up', t, e.actor);
        if (standing !== 'common')
          out.push(
            this.hit('purpose-mismatch', e, t, WEIGHTS.problem[p] * factor, sellers, standing),
          );
      } else out.push(this.hit('purpose-mismatch', e, t, WEIGHTS.problem[p], sellers));
    }
    // One mark per event, however many problems its ticket has.
    if (j.problems.includes('other-seller') || j.problems.includes('not-theirs')) {
      const { standing } = this.weigh(who, 'ticket-mismatch', t, e.actor);
      if (standing === 'common') return selfServed;
      const marks = this.mismatch7.add(e.actor, { t, eventId: e.id, sellerId: sellers[0] });
      this.peers.notePeak(e.actor, 'mismatch-7', marks.length);
      const severity = marks.length >= 5 ? 'high' : marks.length >= 2 ? 'medium' : undefined;
      if (severity && standing === 'rare')
        this.propose(who, 'mismatch-7', marks.length, {
          employeeId: e.actor,
          detector: 'purpose-mismatch',
          severity,
          t,
          marks,
          summary: `${marks.length} accesses in 7 days citing tickets about other sellers or assigned to others`,
        });
    }
    return selfServed;
  }

  /** An access under a ticket the actor opened: evidence only where their peers rarely do it. */
  private selfOpened(
    e: AccessEvent,
    t: number,
    j: Judgement,
    sellers: readonly string[],
    who: EmployeeView | undefined,
    out: Hit[],
  ): boolean {
    const { factor, standing } = this.weigh(who, selfOpenedBehaviour(e, j), t, e.actor);
    if (standing === 'common') return false;
    out.push(
      this.hit('self-serving-ticket', e, t, WEIGHTS.selfServing * factor, sellers, standing),
    );
    const marks = this.selfServing14.add(e.actor, {
      t,
      eventId: e.id,
      sellerId: j.ticket?.sellerId,
    });
    this.peers.notePeak(e.actor, 'self-opened-14', marks.length);
    const sellerCount = new Set(marks.map((m) => m.sellerId)).size;
    const severity =
      sellerCount >= 2 && marks.length >= 3 ? 'high' : marks.length >= 2 ? 'medium' : undefined;
    if (severity && standing === 'rare')
      this.propose(who, 'self-opened-14', marks.length, {
        employeeId: e.actor,
        detector: 'self-serving-ticket',
        severity,
        t,
        marks,
        summary: `${marks.length} sensitive accesses under tickets they opened themselves, for ${sellerCount} seller(s); their peers rarely open their own`,
      });
    return true;
  }

  /**
   * An export that cites a case (ticket) assigned to the exporter, opened by someone else and
   * still open (or closed within the grace): a legal hold or e-discovery, not a grab.
   */
  private underOwnCase(e: AccessEvent, t: number): boolean {
    const k = e.ticket === undefined ? undefined : this.dir.ticketById(e.ticket);
    return (
      k !== undefined &&
      k.assigneeId === e.actor &&
      k.openedBy !== e.actor &&
      k.openedAt <= t &&
      (k.closedAt === undefined || t <= k.closedAt + 3 * DAY)
    );
  }

  /** Several employees giving the same seller benefits (removals, look-ups): a ring? */
  private benefitFor(seller: string, e: AccessEvent, t: number, out: Hit[]): void {
    const givers = this.benefit.get(seller) ?? new Map<string, Mark>();
    for (const [id, m] of givers) if (m.t < t - 30 * DAY) givers.delete(id);
    if (!givers.has(e.actor)) givers.set(e.actor, { t, eventId: e.id, sellerId: seller });
    this.benefit.set(seller, givers);
    if (givers.size < 2) return;
    for (const [id, m] of givers) {
      const key = `${seller}|${id}`;
      if (this.benefitSeen.has(key)) continue;
      this.benefitSeen.add(key);
      out.push({
        indicator: 'shared-sellers',
        employeeId: id,
        eventId: m.eventId,
        t,
        weight: WEIGHTS.sharedSellers,
        sellerIds: [seller],
      });
    }
    const marks = [...givers.values()];
    for (const id of givers.keys())
      this.propose(undefined, undefined, 0, {
        employeeId: id,
        detector: 'seller-ring',
        severity: givers.size >= 3 ? 'high' : 'medium',
        t,
        marks: marks.filter((m) => givers.get(id) === m),
        summary: `one of ${givers.size} employees giving ${seller} benefits without purpose (removals, look-ups of its negative reviewers) within 30 days: ${[...givers.keys()].sort().join(', ')}`,
      });
  }

  /**
   * A detector's window proposes an alert; it is settled (corroboration.ts) once the current
   * event's hits are recorded. `stat` and `n`: the window and its count, held against the
   * highest any peer reached in it (none for rings: they are corroborated or held).
   */
  private propose(
    who: EmployeeView | undefined,
    stat: string | undefined,
    n: number,
    p: Proposal,
  ): void {
    const beyond =
      who !== undefined && stat !== undefined && this.peers.beyondPeers(who, stat, n, BEYOND);
    this.proposed.push({ p, beyond });
  }

  /**
   * Raises the alerts proposed while reading an event (call after its hits are recorded). The
   * severity comes from how rare the window is and whether another kind of evidence stands
   * beside it: far beyond the peers and corroborated — one level above the detector's (at most
   * high); far beyond alone — the detector's; corroborated alone (within what a tenth of the
   * peers reach) — medium at most; neither — `low`, held until evidence of another kind arrives.
   */
  settle(): void {
    if (this.proposed.length === 0) return;
    const proposed = this.proposed;
    this.proposed = [];
    for (const { p, beyond } of proposed) {
      const family = DETECTOR_FAMILY[p.detector];
      const by = family && this.corroboration.corroborating(p.employeeId, family, p.t);
      const marks = by ? [...p.marks, { t: by.t, eventId: by.eventId }] : p.marks;
      if (beyond && by)
        this.book.raise({
          ...p,
          severity: 'high',
          marks,
          summary: `${p.summary}; far beyond every peer, and corroborated by other evidence`,
        });
      else if (beyond) this.book.raise({ ...p, summary: `${p.summary}; far beyond every peer` });
      else if (by)
        this.book.raise({
          ...p,
          severity: CORROBORATED_ONLY,
          marks,
          summary: `${p.summary}; corroborated by other evidence`,
        });
      else {
        this.book.raise({ ...p, severity: 'low', summary: `${p.summary}; not corroborated yet` });
        this.corroboration.hold({ ...p, severity: CORROBORATED_ONLY });
      }
    }
  }

  /** Notes a recorded hit as evidence of its family; raises the proposals it corroborates. */
  noteHit(h: Hit): void {
    this.corroboration.note(h, this.book);
  }

  private hit(
    indicator: Indicator,
    e: AccessEvent,
    t: number,
    weight: number,
    sellerIds: readonly string[],
    standing: Standing = 'rare',
  ): Hit {
    const h: Hit = {
      indicator,
      employeeId: e.actor,
      eventId: e.id,
      t,
      weight,
      sellerIds,
      action: e.action,
    };
    if (standing !== 'cold') return h;
    const held = this.pending.get(this.coldKey) ?? [];
    held.push(h);
    this.pending.set(this.coldKey, held);
    return { ...h, provisional: true };
  }
}
