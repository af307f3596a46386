/**
 * The detection engine: consumes the stream in ledger order — directory records update what
 * detection knows, events go through the detectors — and answers with findings at any time.
 * Feeding it the stream batch by batch or all at once gives the same findings: all state
 * moves with the stream, never with the clock.
 */
import type { AccessEvent, Findings, InterchangeRecord, RiskEntry } from '../domain/index.js';
import { readTime } from './event-time.js';
import { Detectors } from './detectors.js';
import { DirectoryView, employeeRecordsApplied, type EmployeeView } from './directory-view.js';
import type { Hit } from './evidence.js';
import { Habits, type Habit } from './habits.js';
import {
  BEHAVIOURS,
  PeerNorms,
  type Behaviour,
  type Member,
  type PeerGroupReport,
} from './peers.js';
import { EMPTY_PROFILE, type OrgProfile } from './org-profile.js';
import { amounts, peerReference, scoreEmployee } from './risk.js';
import { VolumeBaselines, type Person } from './volumes.js';
import { CollusionGraph, givesBenefit, type Ring } from './collusion.js';
import { ContextTies, type LastUses } from './context-ties.js';
import type { History } from './corroboration.js';
import { describeRings } from './rings.js';
import { sellerBenefits, type SellerBenefit } from './sellers.js';
import { canaryFact, declareCanaries } from './canaries.js';

const SENSITIVE = new Set([
  'seller.metrics.view',
  'seller.metrics.export',
  'reviewer.contact.view',
  'review.delete',
  'data.export',
]);

/**
 * The hits of the event being read, one list reused from event to event (nothing keeps it:
 * its hits are recorded one by one); kept beside the engines, not in their state.
 */
const eventHits: Hit[] = [];

/**
 * Per directory version of an employee (a new record makes a new view), what the engine's
 * parts hold about them and ask for at every event of theirs: found once, not looked up by id
 * in five maps per event. None of the parts replaces these for a version (a habit is replaced
 * only for a new shift or role: a new version); `person` is there once an event of a standard
 * action has made it. A cache beside the engines, never in their state: a restored engine
 * starts without it.
 */
interface Regular {
  readonly engine: DetectionEngine;
  /** The directory version these are of (the key they are kept under). */
  readonly who: EmployeeView;
  readonly member: Member;
  readonly history: History;
  readonly habit: Habit;
  /** The context ties' cache of the contexts the employee's last event used. */
  readonly contexts: LastUses;
  person: Person | undefined;
  /**
   * The network of this version's last event, already among its habit's networks (a habit's
   * networks only grow): the next event from it asks the habit nothing (`Habits.observeAs`).
   */
  network: string | undefined;
}
const regulars = new WeakMap<EmployeeView, Regular>();

/**
 * What one actor id looked up to in one engine: its directory version's `Regular` (none for an
 * id outside the directory). A feed that names its actors by a number of its
 * own keeps one per actor (`FeedDecoder`) and hands it with each event of theirs
 * (`consumeEvent`), so that the event looks nothing up by its id — two hash look-ups by a
 * string per event, the engine's largest single cost before. It holds for as long as no
 * employee record has been applied (`employeeRecordsApplied`), and is made again after one; it
 * is the feed's, never in the engine's state.
 */
export class ActorSlot {
  engine: DetectionEngine | undefined = undefined;
  applied = -1;
  regular: Regular | undefined = undefined;
}

export interface Baseline {
  readonly employee: EmployeeView;
  /** The peer group (team × role × site, or a fall-back). */
  readonly peerGroup: string;
  /** The peer group's median daily rate of access without purpose. */
  readonly peerRate: number;
  readonly workedDays: number;
  readonly unjustified: number;
  /** Per behaviour: the employee's own count and the group's norm. */
  readonly norms: Readonly<Record<Behaviour, { own: number; rate: number; share: number }>>;
  readonly pattern: ReturnType<Habits['patternOf']>;
}

export class DetectionEngine {
  readonly directory: DirectoryView;
  private readonly peers: PeerNorms;
  private readonly habits = new Habits();
  private readonly volumes = new VolumeBaselines();
  private readonly collusion = new CollusionGraph();
  private readonly ties = new ContextTies();
  private readonly detectors: Detectors;
  private readonly hits = new Map<string, Hit[]>();
  private lastTime = -Infinity;
  private eventCount = 0;

  /**
   * `profile`: the org profile's declared job functions (seeds for the learned norms);
   * `canaries`: the planted records, as `type:id` keys (`canaries.ts`; kept out of the state);
   * `seed`: the directory's hash seed (`DirectoryView`), which a stream cannot then aim at.
   */
  constructor(
    readonly profile: OrgProfile = EMPTY_PROFILE,
    options: { readonly canaries?: Iterable<string>; readonly seed?: number } = {},
  ) {
    this.directory = new DirectoryView(options.seed);
    this.peers = new PeerNorms(profile);
    // the engine is the detectors' sink for hits (an object, not a closure: state is data)
    this.detectors = new Detectors(this.directory, this.peers, this);
    if (options.canaries !== undefined) declareCanaries(this, options.canaries);
  }

  /** Feeds records in stream order. */
  consume(records: Iterable<InterchangeRecord>): void {
    // an array (the CLI's chunks) by index: its iterator allocates a result per record
    if (Array.isArray(records)) {
      const list = records as readonly InterchangeRecord[];
      for (let i = 0; i < list.length; i++) this.consumeRecord(list[i]!);
    } else for (const r of records) this.consumeRecord(r);
  }

  /**
   * One record, next in stream order: `consume([r])` without the list. A feed that decodes
   * records one at a time calls it, and `consumeEvent`; the directory's numbered kinds
   * (product, review, ticket, report) touch nothing but `directory`, and such a feed may apply
   * them to it by number (`DirectoryView.ticketVersionAt`…) in their place in the stream.
   */
  consumeRecord(r: InterchangeRecord): void {
    if (r.kind === 'event') this.event(r.body);
    else {
      this.directory.apply(r);
      if (r.kind === 'employee') this.peers.enrol(this.directory.employees.get(r.body.id)!);
    }
  }

  /**
   * An event, next in stream order: `consumeRecord({ kind: 'event', body: e })`. `at`: its
   * time as read already (`readTime(e.time)`, NaN for none), by a feed whose worker reads them;
   * `slot`: what the feed keeps for this event's actor (`ActorSlot`), the same object for every
   * event of the same `e.actor`.
   */
  consumeEvent(e: AccessEvent, at?: number, slot?: ActorSlot): void {
    this.event(e, at, slot);
  }

  get events(): number {
    return this.eventCount;
  }

  /**
   * Risk (highest first) and alerts, as of the latest event seen. Rings are peeled from the
   * collusion graph here, on demand; nothing is added to the engine's state, so asking twice,
   * or in the middle of the stream, changes nothing.
   */
  findings(): Findings {
    const { hits: ringHits, alerts: ringAlerts } = describeRings(
      this.rings(),
      this.directory,
      this.ties,
    );
    const all = new Map<string, readonly Hit[]>();
    for (const [id, hits] of this.hits) {
      const extra = ringHits.get(id);
      all.set(id, extra ? [...hits, ...extra] : hits);
    }
    const sums = new Map([...all].map(([id, hits]) => [id, amounts(hits, this.lastTime)]));
    const peers = peerReference(this.peers.peerGroups('widest'), sums);
    const risk: RiskEntry[] = [];
    for (const [id, hits] of all) {
      const entry = scoreEmployee(id, hits, this.lastTime, peers, sums.get(id));
      if (entry) risk.push(entry);
    }
    risk.sort((a, b) => b.score - a.score || a.employeeId.localeCompare(b.employeeId));
    return { risk, alerts: [...this.detectors.book.alerts, ...ringAlerts] };
  }

  /** Per seller, what employees gave it without purpose, highest score first (`warden sellers`). */
  sellers(): SellerBenefit[] {
    const ringSellers = new Set(this.rings().flatMap((r) => r.sellers));
    return sellerBenefits(
      this.detectors.sellers,
      this.directory,
      (id) => this.hitsOf(id),
      ringSellers,
    );
  }

  /** Ring candidates in the collusion graph now (for `warden sellers` and the ring report). */
  rings(): Ring[] {
    return this.collusion.rings({
      mates: (id) => this.ties.matesOf(id),
      groups: () => this.ties.benefitGroups().map((g) => g.users),
      siteOf: (id) => this.directory.employees.get(id)?.site,
      categoryOf: (seller) => this.categoryOf(seller),
    });
  }

  /**
   * What the employee was compared with: their peer group's rate, their own pattern. Asking
   * changes nothing (a long-running server asks its engine between two feeds).
   */
  baselineOf(employeeId: string): Baseline | undefined {
    const who = this.directory.employees.get(employeeId);
    if (!who) return undefined;
    const own = this.peers.memberOf(employeeId);
    const norms = Object.fromEntries(
      BEHAVIOURS.map((b) => {
        const n = this.peers.norm(who, b, this.lastTime, false);
        return [b, { own: own?.counts[b] ?? 0, rate: n.rate, share: n.share }];
      }),
    ) as Baseline['norms'];
    return {
      employee: who,
      peerGroup: this.peers.groupOf(who),
      peerRate: norms.unjustified.rate,
      workedDays: own?.days ?? 0,
      unjustified: own?.counts.unjustified ?? 0,
      norms,
      pattern: this.habits.patternOf(employeeId),
    };
  }

  /** What was learned per peer group (for `warden profile`); asking changes nothing. */
  peerGroups(): PeerGroupReport[] {
    return this.peers.describe();
  }

  /** Every hit about one employee, oldest first (for `warden explain`). */
  hitsOf(employeeId: string): readonly Hit[] {
    return this.hits.get(employeeId) ?? [];
  }

  private event(e: AccessEvent, at?: number, slot?: ActorSlot): void {
    this.canary(e, at);
    if (e.outcome !== undefined && e.outcome !== 'allowed') return; // a refused access did not happen
    const t = timeOf(e, at);
    if (t === undefined) return;
    this.eventCount++;
    if (t > this.lastTime) this.lastTime = t;
    let r: Regular | undefined;
    if (slot !== undefined && slot.engine === this && slot.applied === employeeRecordsApplied())
      r = slot.regular;
    else {
      // looked up (and the version's parts made, at its first event) here, as without a slot
      const found = this.directory.employees.get(e.actor);
      r = found === undefined ? undefined : this.regularOf(found);
      if (slot !== undefined) {
        slot.engine = this;
        slot.applied = employeeRecordsApplied();
        slot.regular = r;
      }
    }
    const who = r?.who;
    const out = eventHits;
    // emptied as each event begins, so that one a detector failed on leaves nothing behind
    if (out.length > 0) out.length = 0;
    if (r !== undefined) this.known(e, t, r, out);
    else {
      this.detectors.corroboration.worked(e.actor, t);
      this.habits.observe(e, t, who, SENSITIVE.has(e.action), out);
      this.detectors.certain(e, t, who, out);
    }
    switch (e.action) {
      case 'seller.metrics.view':
      case 'seller.metrics.export':
      case 'seller.account.view':
        this.detectors.sellerAccess(e, t, who, out);
        break;
      case 'reviewer.contact.view':
        this.detectors.reviewerLookup(e, t, who, out);
        break;
      case 'review.delete':
        this.detectors.deletion(e, t, who, out);
        break;
      case 'data.export':
        this.detectors.dataExport(e, t, who, out);
        break;
      default:
        break;
    }
    let benefit = false;
    for (let i = 0; i < out.length; i++) {
      const h = out[i]!;
      this.record(h);
      if (h.eventId === e.id && !h.provisional && givesBenefit(h)) benefit = true;
    }
    this.detectors.settle();
    if (r) this.ties.observeWith(e, t, benefit, r.contexts);
    else this.ties.observe(e, benefit, t);
  }

  /**
   * What every event of an employee in the directory counts (their worked day, their habits,
   * their volumes), through what the parts hold about this version of them (`regulars`).
   */
  private known(e: AccessEvent, t: number, r: Regular, out: Hit[]): void {
    const who = r.who;
    this.peers.workedAs(r.member, who, t);
    this.detectors.corroboration.workedOn(r.history, t);
    this.habits.observeAs(r.habit, e, t, SENSITIVE.has(e.action), out, r.network);
    const ip = e.context?.ip;
    if (ip !== undefined) r.network = ip;
    this.detectors.certain(e, t, who, out);
    if (r.person !== undefined) this.volumes.observeAs(r.person, who, e.action, e.id, t, out);
    else {
      this.volumes.observe(who, e.action, e.id, t, out);
      r.person = this.volumes.personOf(who.id);
    }
  }

  /**
   * The parts' records of this version of the employee, looked up (made, if new) at the first
   * event of the version — as the parts themselves would at that event — and kept for the next.
   */
  private regularOf(who: EmployeeView): Regular {
    let r = regulars.get(who);
    if (r === undefined || r.engine !== this) {
      r = {
        engine: this,
        who,
        member: this.peers.enrol(who),
        history: this.detectors.corroboration.historyOf(who.id),
        habit: this.habits.habitOf(who.id, who),
        contexts: this.ties.lastUsesOf(who.id),
        person: undefined,
        network: undefined,
      };
      regulars.set(who, r);
    }
    return r;
  }

  /** A touched canary, whatever the event's outcome: a trying is a finding too (canaries.ts). */
  private canary(e: AccessEvent, at: number | undefined): void {
    const fact = canaryFact(this, e);
    const t = fact && timeOf(e, at);
    if (fact === undefined || t === undefined) return;
    const out: Hit[] = [];
    this.detectors.raiseCertain(e, t, fact, out);
    for (const h of out) this.record(h);
  }

  private categoryOf(seller: string): string | undefined {
    return this.directory.sellerCategory.get(seller);
  }

  /** Keeps a hit: the employee's evidence, and an edge of the collusion graph. */
  record(h: Hit): void {
    if (h.provisional) return;
    this.detectors.noteHit(h);
    this.collusion.add(h, (seller) => this.categoryOf(seller));
    const list = this.hits.get(h.employeeId);
    if (list) list.push(h);
    else this.hits.set(h.employeeId, [h]);
  }
}

/** An event's time: as read already (`at`, NaN for none), else read now. */
function timeOf(e: AccessEvent, at: number | undefined): number | undefined {
  if (at === undefined) return readTime(e.time);
  return Number.isNaN(at) ? undefined : at;
}
