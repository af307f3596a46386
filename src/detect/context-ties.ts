/**
 * Console context shared between employees (`context` of the events): the same session, the
 * same device, the same network. A broker's address, phone or remote desktop shows up as one
 * context several colleagues use — for the abuse, not for the job. A hot desk, a terminal
 * handed over between shifts or a small office's NAT is shared too, but it carries whole
 * shifts, and almost none of that work gives a seller anything. So a shared context ties a
 * colleague to a ring only when most of what they did on it gave sellers something.
 *
 * A console session is one login's lifetime, so its id is new every day or so and the sessions
 * seen would grow with time without bound. One that nobody has used for `SESSION_IDLE_DAYS`
 * has ended: a second person on its id later is not sharing a live session. So a session used
 * by one person alone is forgotten once idle that long (a sweep at an event's first day after
 * the last sweep's: 3 to 4 idle days). A session two people used is kept, as evidence, and so
 * is a crowded one; devices and networks are never forgotten (the organisation bounds them).
 */
import type { AccessEvent } from '../domain/index.js';
import { readTime } from './event-time.js';

export type ContextKind = 'session' | 'device' | 'network';
export const CONTEXT_KINDS: readonly ContextKind[] = ['session', 'device', 'network'];

/** More users than this on one context: a shared office resource, not a private tie. */
export const CROWD = 8;
/**
 * What makes one user's use of a shared context "for the abuse": at least `events` events on
 * it that gave a seller something, and at least `share` of all their events on it. A session
 * shared between two people is credential sharing and needs no share; a device or a network
 * also carries honest work (a hot desk, a handover terminal, an office NAT), so a quarter of
 * the user's events on it must have given a seller something.
 */
export const FOR_BENEFIT: Record<ContextKind, { events: number; share: number }> = {
  session: { events: 1, share: 0 },
  device: { events: 1, share: 0.25 },
  network: { events: 1, share: 0.25 },
};

/** Days without an event after which a session used by one person alone is forgotten. */
export const SESSION_IDLE_DAYS = 3;
const DAY = 86_400_000;
const SESSION_IDLE = SESSION_IDLE_DAYS * DAY;

interface Use {
  events: number;
  benefits: number;
  /** A session's: the time (epoch ms) of the user's latest event on it; for forgetting it. */
  last?: number;
}

/** One shared context: its kind, value and users (2 to `CROWD`). */
export interface SharedContext {
  readonly kind: ContextKind;
  readonly value: string;
  readonly users: readonly string[];
}

/**
 * Per user, the context of each kind (session, device, network: `CONTEXT_KINDS` order) their
 * last event used, and their use of it (value and use side by side: `[2k]`, `[2k + 1]`), or
 * `null` when the context is crowded (it never stops being): most events reuse their user's
 * contexts, an office network's included, and this spares the look-ups per kind. A cache kept
 * beside the state (snapshot.ts saves what the engine holds), dropped for a context when it
 * crowds; a restored engine starts without it.
 */
export type LastUses = (string | Use | null | undefined)[];
const lastUses = new WeakMap<ContextTies, Map<string, LastUses>>();

export class ContextTies {
  /** Kind → value → user → their use of it; `null` once more than `CROWD` use it. */
  private readonly uses = new Map<ContextKind, Map<string, Map<string, Use> | null>>(
    CONTEXT_KINDS.map((k) => [k, new Map()]),
  );
  /** User → kind → the values they used that someone else used too. */
  private readonly sharedBy = new Map<string, Map<ContextKind, Set<string>>>();
  /** The day (epoch days, UTC) of the event at which idle sessions were last forgotten. */
  private sweptDay = -Infinity;

  /**
   * Learns from one event; `benefit` is whether it gave a seller something without purpose,
   * `t` its time (epoch ms; read from the event when not given, nothing learnt if invalid).
   */
  observe(e: AccessEvent, benefit: boolean, t: number | undefined = readTime(e.time)): void {
    if (e.context && t !== undefined) this.observeWith(e, t, benefit, this.lastUsesOf(e.actor));
  }

  /** `observe`, given the actor's cache of last contexts (`lastUsesOf`: the engine keeps it). */
  observeWith(e: AccessEvent, t: number, benefit: boolean, mine: LastUses): void {
    const c = e.context;
    if (!c) return;
    if (t >= (this.sweptDay + 1) * DAY) this.forgetIdleSessions(t);
    if (c.session !== undefined) this.use(0, c.session, e.actor, t, benefit, mine);
    if (c.device !== undefined) this.use(1, c.device, e.actor, t, benefit, mine);
    if (c.ip !== undefined) this.use(2, c.ip, e.actor, t, benefit, mine);
  }

  /** The user's cache of the contexts their last event used (`LastUses`), made at the first asking. */
  lastUsesOf(actor: string): LastUses {
    let recent = lastUses.get(this);
    if (recent === undefined) lastUses.set(this, (recent = new Map<string, LastUses>()));
    let mine = recent.get(actor);
    if (mine === undefined) recent.set(actor, (mine = new Array<undefined>(6).fill(undefined)));
    return mine;
  }

  /** The small contexts (2 to `CROWD` users) the employee shares with someone. */
  contextsOf(id: string): SharedContext[] {
    const out: SharedContext[] = [];
    for (const [kind, values] of this.sharedBy.get(id) ?? [])
      for (const value of values) {
        const users = this.uses.get(kind)!.get(value);
        if (users) out.push({ kind, value, users: [...users.keys()] });
      }
    return out;
  }

  /** Whether the user's use of the context was mostly for giving sellers something. */
  usedForBenefit(id: string, kind: ContextKind, value: string): boolean {
    const use = this.uses.get(kind)!.get(value)?.get(id);
    const rule = FOR_BENEFIT[kind];
    return (
      use !== undefined && use.benefits >= rule.events && use.benefits >= rule.share * use.events
    );
  }

  /** Everyone who shares a small context with the employee and used it for giving benefits. */
  matesOf(id: string): string[] {
    const out = new Set<string>();
    for (const shared of this.contextsOf(id))
      for (const u of shared.users)
        if (u !== id && this.usedForBenefit(u, shared.kind, shared.value)) out.add(u);
    return [...out].sort();
  }

  /** Per small shared context, the users (two or more) who used it for giving benefits. */
  benefitGroups(): SharedContext[] {
    const out: SharedContext[] = [];
    for (const kind of CONTEXT_KINDS)
      for (const [value, users] of this.uses.get(kind)!) {
        if (!users || users.size < 2) continue;
        const givers = [...users.keys()].filter((u) => this.usedForBenefit(u, kind, value));
        if (givers.length >= 2) out.push({ kind, value, users: givers.sort() });
      }
    return out;
  }

  private use(
    k: number,
    value: string,
    actor: string,
    t: number,
    benefit: boolean,
    mine: LastUses,
  ): void {
    let use = mine[2 * k] === value ? (mine[2 * k + 1] as Use | null) : undefined;
    if (use === null) return; // crowded
    if (use === undefined) {
      const kind = CONTEXT_KINDS[k]!;
      const byValue = this.uses.get(kind)!;
      let users = byValue.get(value);
      if (users === null) {
        mine[2 * k] = value;
        mine[2 * k + 1] = null;
        return;
      }
      if (users === undefined) byValue.set(value, (users = new Map()));
      use = users.get(actor);
      if (use === undefined) {
        if (users.size >= CROWD) return this.crowd(kind, value, users);
        users.set(
          actor,
          (use = k === 0 ? { events: 0, benefits: 0, last: t } : { events: 0, benefits: 0 }),
        );
        if (users.size >= 2) for (const u of users.keys()) this.markShared(u, kind, value);
      }
      mine[2 * k] = value;
      mine[2 * k + 1] = use;
    }
    use.events++;
    if (benefit) use.benefits++;
    // Out of order, an event may be older than the latest: the session was in use until then.
    if (k === 0 && t > use.last!) use.last = t;
  }

  /**
   * Forgets the sessions one user alone has used and has not for `SESSION_IDLE_DAYS` before
   * `t`, at most once per day of event time: they have ended. Their users' caches drop them
   * too, so that an event on a forgotten id begins a new use of it rather than counting into
   * the old. Sessions two or more used are kept (`sharedBy` points at them), as are crowded ones.
   */
  private forgetIdleSessions(t: number): void {
    this.sweptDay = Math.floor(t / DAY);
    const sessions = this.uses.get('session')!;
    // Visited by `forEach`, not `for…of`: a sweep visits every session kept, and the pair and
    // the iterator `for…of` makes per session (and per its one user) were most of its cost.
    // Deleting the entry being visited is as safe in either: a Map's iteration is live.
    let value = '';
    const forgetIfIdle = (use: Use, actor: string): void => {
      if (t - use.last! <= SESSION_IDLE) return;
      sessions.delete(value);
      this.uncache(actor, 0, value);
    };
    sessions.forEach((users, v) => {
      if (users === null || users.size !== 1) return;
      value = v;
      users.forEach(forgetIfIdle);
    });
  }

  /** A context past `CROWD` users stops being tracked: it is an office resource. */
  private crowd(kind: ContextKind, value: string, users: Map<string, Use>): void {
    const k = CONTEXT_KINDS.indexOf(kind);
    for (const u of users.keys()) {
      this.sharedBy.get(u)?.get(kind)?.delete(value);
      this.uncache(u, k, value);
    }
    this.uses.get(kind)!.set(value, null);
  }

  /** Drops the context of kind `k` (`CONTEXT_KINDS` order) from the user's cache if it is `value`. */
  private uncache(user: string, k: number, value: string): void {
    const mine = lastUses.get(this)?.get(user);
    if (mine !== undefined && mine[2 * k] === value) mine[2 * k] = mine[2 * k + 1] = undefined;
  }

  private markShared(user: string, kind: ContextKind, value: string): void {
    const byKind = this.sharedBy.get(user) ?? new Map<ContextKind, Set<string>>();
    const values = byKind.get(kind) ?? new Set<string>();
    values.add(value);
    byKind.set(kind, values);
    this.sharedBy.set(user, byKind);
  }
}
