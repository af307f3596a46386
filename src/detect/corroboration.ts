/**
 * Corroboration: a detector's window of evidence proposes an alert; it is raised at the
 * proposed severity only if it is corroborated — by evidence of another, independent kind
 * (another indicator family) about the same employee within `CORROBORATION_DAYS`, or by
 * being far beyond every peer (the window's count at least `BEYOND` times the highest any
 * member of their peer group ever reached in the same window). Otherwise it is raised as
 * `low` (visible, not paged, no weight in risk) and held: a later hit of another family
 * within the span raises it at its proposed severity then (docs/detection.md, "Alerts").
 *
 * One indicator of one kind is what honest work in an unfamiliar organisation produces most
 * (a team whose job is that behaviour, split across peer groups that do not share it); what
 * rarely comes alone is abuse. Facts that no job explains (a leaver acting, a canary, a
 * leaver's bulk export) are not held (`Detectors.raiseCertain`).
 */
import type { AlertDraft } from './alert-book.js';
import type { Hit, Indicator } from './evidence.js';

const DAY = 86_400_000;
/** Days between a proposed alert and evidence of another kind for one to corroborate the other. */
export const CORROBORATION_DAYS = 14;
/** How far beyond every peer's highest window count an uncorroborated window must be. */
export const BEYOND = 2;
/**
 * Own history: evidence of a family shown on at least `HABIT_SHARE` of the employee's worked
 * days before the last `HABIT_GAP_DAYS`, over at least `HABIT_MIN_DAYS` such days, is their
 * habit, not news: it corroborates nothing (a rate rare for the peers, but the employee's
 * usual for weeks, is more likely a job the directory does not show than a new abuse). Before
 * `HABIT_MIN_DAYS` of history nothing is a habit (cold start: evidence counts).
 */
export const HABIT_SHARE = 0.5;
export const HABIT_MIN_DAYS = 7;
export const HABIT_GAP_DAYS = 7;

/**
 * Independent kinds of evidence: what was accessed without purpose, whose personal data was
 * reached, what was removed, what was exported, who else served the same seller, where from,
 * when, and how much. Indicators of one family often come from the same act (a metrics view
 * without purpose citing another seller's ticket is both `unjustified-seller-access` and
 * `purpose-mismatch`), so they never corroborate each other.
 */
export type Family =
  | 'purpose'
  | 'reviewers'
  | 'removals'
  | 'exports'
  | 'ring'
  | 'network'
  | 'hours'
  | 'volume'
  | 'certain';

export const FAMILY: Readonly<Record<Indicator, Family | undefined>> = {
  'unjustified-seller-access': 'purpose',
  'purpose-mismatch': 'purpose',
  'self-serving-ticket': 'purpose',
  'negative-reviewer-lookup': 'reviewers',
  'repeated-detractor-lookup': 'reviewers',
  // a look-up of a reviewer with no 1–2★ review: not rare, not evidence of anything alone
  'reviewer-lookup': undefined,
  'unreported-negative-deletion': 'removals',
  'repeated-negative-removal': 'removals',
  'personal-data-export': 'exports',
  'departing-export': 'exports',
  'acted-after-leaving': 'certain',
  'canary-touched': 'certain',
  'shared-sellers': 'ring',
  'dense-block': 'ring',
  'shared-network': 'network',
  'new-network': 'network',
  'off-hours': 'hours',
  'volume-spike': 'volume',
  // an alert is a conclusion from the evidence, not more evidence
  alerted: undefined,
};

/**
 * Actions whose spike is evidence of the kind their acts are: a day of many metrics views is
 * not independent of the metrics windows those same views fill.
 */
const ACTION_FAMILY: Readonly<Record<string, Family>> = {
  'seller.metrics.view': 'purpose',
  'seller.metrics.export': 'purpose',
  'seller.account.view': 'purpose',
  'reviewer.contact.view': 'reviewers',
  'review.delete': 'removals',
  'data.export': 'exports',
};

/** A hit's family; a volume spike takes its action's (ACTION_FAMILY), else `volume`. */
export function familyOf(h: Hit): Family | undefined {
  if (h.indicator === 'volume-spike' && h.action !== undefined)
    return ACTION_FAMILY[h.action] ?? 'volume';
  return FAMILY[h.indicator];
}

/** The family of evidence each detector's windows rest on. */
export const DETECTOR_FAMILY: Readonly<Record<string, Family>> = {
  'metrics-without-purpose': 'purpose',
  'purpose-mismatch': 'purpose',
  'self-serving-ticket': 'purpose',
  'reviewer-harvest': 'reviewers',
  'deletion-for-hire': 'removals',
  'personal-data-export': 'exports',
  'seller-ring': 'ring',
};

/** An alert a detector proposes, before corroboration. */
export type Proposal = AlertDraft;

/** Where corroborated and held proposals go (the detectors' alert book). */
export interface ProposalSink {
  raise(p: Proposal): void;
}

interface Seen {
  t: number;
  eventId: string;
}

/** An employee's worked days and, per family, the days they showed it (epoch days, ascending). */
export interface History {
  worked: number[];
  shown: Map<Family, number[]>;
}

export class Corroboration {
  /** Employee → family → their latest hit of it. */
  private readonly latest = new Map<string, Map<Family, Seen>>();
  /** Employee → proposals raised as `low`, waiting for evidence of another kind. */
  private readonly held = new Map<string, Proposal[]>();
  /** Employee → their own history of worked days and families shown (`habitual`). */
  private readonly history = new Map<string, History>();

  /** Counts the day of one of the employee's events as worked (call for every event). */
  worked(employeeId: string, t: number): void {
    this.workedOn(this.historyOf(employeeId), t);
  }

  /** `worked`, given the employee's history (`historyOf`: the engine keeps it). */
  workedOn(h: History, t: number): void {
    addDay(h.worked, Math.floor(t / DAY));
  }

  /**
   * Whether the family is the employee's habit as of `t`: shown on at least `HABIT_SHARE` of
   * their worked days before the last `HABIT_GAP_DAYS`, with `HABIT_MIN_DAYS` such days.
   */
  habitual(employeeId: string, family: Family, t: number): boolean {
    const h = this.history.get(employeeId);
    if (!h) return false;
    const before = Math.floor(t / DAY) - HABIT_GAP_DAYS;
    const worked = daysBefore(h.worked, before);
    if (worked < HABIT_MIN_DAYS) return false;
    return daysBefore(h.shown.get(family) ?? [], before) >= HABIT_SHARE * worked;
  }

  /** Evidence of another family within the span before `t`, if any (the latest), not a habit. */
  corroborating(employeeId: string, family: Family, t: number): Seen | undefined {
    let best: Seen | undefined;
    for (const [f, seen] of this.latest.get(employeeId) ?? []) {
      if (f === family || seen.t > t || seen.t < t - CORROBORATION_DAYS * DAY) continue;
      if (this.habitual(employeeId, f, t)) continue;
      if (best === undefined || seen.t > best.t) best = seen;
    }
    return best;
  }

  /** Keeps a proposal that found no corroboration; a later one of the same detector replaces it. */
  hold(p: Proposal): void {
    const list = (this.held.get(p.employeeId) ?? []).filter((h) => h.detector !== p.detector);
    list.push(p);
    this.held.set(p.employeeId, list);
  }

  /**
   * Notes a hit; raises (into `sink`) every held proposal of the employee it corroborates: of
   * another family, within the span after the proposal. Proposals past the span are dropped.
   */
  note(h: Hit, sink: ProposalSink): void {
    const family = familyOf(h);
    if (family === undefined || h.weight <= 0) return;
    const history = this.historyOf(h.employeeId);
    const shown = history.shown.get(family) ?? [];
    addDay(shown, Math.floor(h.t / DAY));
    history.shown.set(family, shown);
    // judged against the history before this hit's day (the day is not yet "before")
    if (this.habitual(h.employeeId, family, h.t)) return;
    let mine = this.latest.get(h.employeeId);
    if (!mine) {
      mine = new Map();
      this.latest.set(h.employeeId, mine);
    }
    const before = mine.get(family);
    if (before === undefined || before.t <= h.t) mine.set(family, { t: h.t, eventId: h.eventId });
    const held = this.held.get(h.employeeId);
    if (!held) return;
    const keep: Proposal[] = [];
    const now: Proposal[] = [];
    for (const p of held) {
      if (p.t < h.t - CORROBORATION_DAYS * DAY) continue;
      if (DETECTOR_FAMILY[p.detector] !== family && p.t <= h.t + CORROBORATION_DAYS * DAY)
        now.push(p);
      else keep.push(p);
    }
    if (keep.length > 0) this.held.set(h.employeeId, keep);
    else this.held.delete(h.employeeId);
    for (const p of now)
      sink.raise({
        ...p,
        t: Math.max(p.t, h.t),
        marks: [...p.marks, { t: h.t, eventId: h.eventId }],
        summary: `${p.summary}; corroborated by ${h.indicator}`,
      });
  }

  /** The employee's history, made empty at the first asking (it is never replaced). */
  historyOf(employeeId: string): History {
    let h = this.history.get(employeeId);
    if (!h) {
      h = { worked: [], shown: new Map() };
      this.history.set(employeeId, h);
    }
    return h;
  }
}

/** Appends a day to an ascending list of distinct days (events arrive nearly in time order). */
function addDay(days: number[], day: number): void {
  const last = days[days.length - 1];
  if (last === day) return;
  if (last === undefined || last < day) {
    days.push(day);
    return;
  }
  if (days.includes(day)) return;
  days.push(day);
  days.sort((a, b) => a - b);
}

/** How many of the ascending days lie before `day`. */
function daysBefore(days: readonly number[], day: number): number {
  let n = 0;
  while (n < days.length && days[n]! < day) n++;
  return n;
}
