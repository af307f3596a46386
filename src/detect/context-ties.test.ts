import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '../domain/index.js';
import { ContextTies, CROWD, SESSION_IDLE_DAYS } from './context-ties.js';

let n = 0;
function event(
  actor: string,
  context: { ip?: string; device?: string; session?: string },
  time = '2026-09-08T10:00:00Z',
): AccessEvent {
  return {
    id: `ev-${++n}`,
    time,
    actor,
    action: 'seller.metrics.view',
    target: { type: 'seller', id: 's-1' },
    context,
  };
}

/** `benefits` of `events` on the context gave a seller something. */
function use(
  ties: ContextTies,
  actor: string,
  context: object,
  events: number,
  benefits: number,
): void {
  for (let i = 0; i < events; i++) ties.observe(event(actor, context), i < benefits);
}

/** `use`, at `days` days and `hours` hours after 2026-09-08T00:00Z. */
function useAt(
  ties: ContextTies,
  days: number,
  hours: number,
  actor: string,
  context: object,
  events: number,
  benefits: number,
): void {
  const time = new Date(Date.UTC(2026, 8, 8 + days, hours)).toISOString();
  for (let i = 0; i < events; i++) ties.observe(event(actor, context, time), i < benefits);
}

describe('ContextTies', () => {
  describe('when two employees use one device mostly to give sellers something', () => {
    it('ties them as mates and makes them a group', () => {
      const ties = new ContextTies();
      use(ties, 'a', { device: 'broker-pc' }, 4, 3);
      use(ties, 'b', { device: 'broker-pc' }, 2, 2);
      expect(ties.matesOf('a')).toEqual(['b']);
      expect(ties.matesOf('b')).toEqual(['a']);
      expect(ties.benefitGroups()).toEqual([
        { kind: 'device', value: 'broker-pc', users: ['a', 'b'] },
      ]);
    });
  });

  describe('when a terminal carries whole shifts of honest work', () => {
    it('does not tie its users, though they share it and a few of their events gave benefits', () => {
      const ties = new ContextTies();
      use(ties, 'day', { device: 'desk-1' }, 200, 4);
      use(ties, 'night', { device: 'desk-1' }, 150, 3);
      expect(ties.contextsOf('day').map((c) => c.value)).toEqual(['desk-1']);
      expect(ties.matesOf('day')).toEqual([]);
      expect(ties.benefitGroups()).toEqual([]);
    });
  });

  describe('when only one side used the shared context for benefits', () => {
    it('makes the giver a mate of the other, but no group', () => {
      const ties = new ContextTies();
      use(ties, 'honest', { ip: '192.0.2.7' }, 100, 0);
      use(ties, 'giver', { ip: '192.0.2.7' }, 3, 3);
      expect(ties.matesOf('honest')).toEqual(['giver']);
      expect(ties.matesOf('giver')).toEqual([]);
      expect(ties.benefitGroups()).toEqual([]);
    });
  });

  describe('when one session is used by two employees', () => {
    it('ties them on a single benefit each, whatever else they did in it', () => {
      const ties = new ContextTies();
      use(ties, 'a', { session: 'ss-1' }, 30, 1);
      use(ties, 'b', { session: 'ss-1' }, 30, 1);
      expect(ties.matesOf('a')).toEqual(['b']);
    });
  });

  describe(`when more than ${CROWD} employees use one network`, () => {
    it('stops tracking it: an office resource, not a private tie', () => {
      const ties = new ContextTies();
      for (let i = 0; i <= CROWD; i++) use(ties, `e-${i}`, { ip: '10.0.0.1' }, 2, 2);
      expect(ties.contextsOf('e-0')).toEqual([]);
      expect(ties.matesOf('e-0')).toEqual([]);
      expect(ties.benefitGroups()).toEqual([]);
    });

    it('keeps it untracked as its users come back to it between uses of another', () => {
      const ties = new ContextTies();
      for (let i = 0; i <= CROWD; i++) use(ties, `e-${i}`, { ip: '10.0.0.1' }, 2, 2);
      for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2'])
        for (const actor of ['e-0', 'e-1']) use(ties, actor, { ip }, 2, 2);
      const small = { kind: 'network', value: '10.0.0.2', users: ['e-0', 'e-1'] };
      expect(ties.contextsOf('e-0')).toEqual([small]);
      expect(ties.benefitGroups()).toEqual([small]);
      expect(ties.matesOf('e-2')).toEqual([]);
    });
  });

  describe(`when a session one employee used sits idle for more than ${SESSION_IDLE_DAYS} days`, () => {
    const idle = SESSION_IDLE_DAYS + 1;

    it('forgets it: a second employee on its id later is not tied to the first', () => {
      const ties = new ContextTies();
      useAt(ties, 0, 10, 'a', { session: 'ss-1' }, 3, 3);
      useAt(ties, idle, 10, 'b', { session: 'ss-1' }, 3, 3);
      expect(ties.contextsOf('a')).toEqual([]);
      expect(ties.contextsOf('b')).toEqual([]);
      expect(ties.usedForBenefit('a', 'session', 'ss-1')).toBe(false);
      expect(ties.benefitGroups()).toEqual([]);
    });

    it('still ties a second employee who comes within the idle days', () => {
      const ties = new ContextTies();
      useAt(ties, 0, 10, 'a', { session: 'ss-1' }, 3, 3);
      useAt(ties, SESSION_IDLE_DAYS - 1, 10, 'b', { session: 'ss-1' }, 3, 3);
      useAt(ties, SESSION_IDLE_DAYS - 1, 11, 'c', { session: 'ss-2' }, 1, 0);
      expect(ties.matesOf('b')).toEqual(['a']);
      expect(ties.benefitGroups()).toEqual([{ kind: 'session', value: 'ss-1', users: ['a', 'b'] }]);
    });

    it('keeps one its employee keeps using, idle days counted from their latest event', () => {
      const ties = new ContextTies();
      for (let day = 0; day <= 2 * idle; day += SESSION_IDLE_DAYS - 1)
        useAt(ties, day, 10, 'a', { session: 'ss-1' }, 1, day === 0 ? 1 : 0);
      useAt(ties, 2 * idle + 1, 10, 'b', { session: 'ss-1' }, 1, 1);
      // Its first day's benefit is still counted: the use was never forgotten.
      expect(ties.matesOf('b')).toEqual(['a']);
    });

    it('starts the employee coming back to its id from nothing, though their cache held it', () => {
      const ties = new ContextTies();
      useAt(ties, 0, 10, 'a', { session: 'ss-1' }, 3, 3);
      useAt(ties, idle, 9, 'other', { session: 'ss-9' }, 1, 0); // forgets ss-1
      useAt(ties, idle, 10, 'a', { session: 'ss-1' }, 2, 0);
      useAt(ties, idle, 11, 'b', { session: 'ss-1' }, 1, 1);
      expect(ties.contextsOf('b')).toEqual([{ kind: 'session', value: 'ss-1', users: ['a', 'b'] }]);
      // The three benefits before the idle days are not theirs on the new use of the id.
      expect(ties.usedForBenefit('a', 'session', 'ss-1')).toBe(false);
      expect(ties.matesOf('b')).toEqual([]);
    });

    it('forgets every idle one in one sweep, whatever sessions stand between them', () => {
      const ties = new ContextTies();
      // idle sessions (one user each) between a shared one and one still in use
      for (let i = 0; i < 6; i++) useAt(ties, 0, 10, `a${i}`, { session: `ss-idle-${i}` }, 1, 1);
      useAt(ties, 0, 11, 'x', { session: 'ss-shared' }, 1, 1);
      useAt(ties, 0, 11, 'y', { session: 'ss-shared' }, 1, 1);
      useAt(ties, SESSION_IDLE_DAYS, 10, 'k', { session: 'ss-kept' }, 1, 1);
      useAt(ties, idle, 9, 'other', { session: 'ss-9' }, 1, 0); // one sweep
      for (let i = 0; i < 6; i++) useAt(ties, idle, 10, 'b', { session: `ss-idle-${i}` }, 1, 1);
      useAt(ties, idle, 10, 'b', { session: 'ss-kept' }, 1, 1);
      useAt(ties, idle, 10, 'b', { session: 'ss-shared' }, 1, 1);
      expect(ties.matesOf('b')).toEqual(['k', 'x', 'y']);
      for (let i = 0; i < 6; i++) expect(ties.contextsOf(`a${i}`)).toEqual([]);
    });

    it('forgets neither devices nor networks', () => {
      const ties = new ContextTies();
      useAt(ties, 0, 10, 'a', { device: 'broker-pc', ip: '192.0.2.7' }, 3, 3);
      useAt(ties, 10 * idle, 10, 'b', { device: 'broker-pc', ip: '192.0.2.7' }, 3, 3);
      expect(ties.matesOf('b')).toEqual(['a']);
      expect(ties.contextsOf('b').map((c) => c.kind)).toEqual(['device', 'network']);
    });
  });

  describe('when a session two employees used sits idle for long', () => {
    it('keeps it, and ties a third who comes to it', () => {
      const ties = new ContextTies();
      useAt(ties, 0, 10, 'a', { session: 'ss-1' }, 2, 2);
      useAt(ties, 0, 11, 'b', { session: 'ss-1' }, 2, 2);
      useAt(ties, 30, 10, 'other', { session: 'ss-9' }, 1, 0);
      useAt(ties, 60, 10, 'c', { session: 'ss-1' }, 1, 1);
      expect(ties.matesOf('a')).toEqual(['b', 'c']);
      expect(ties.benefitGroups()).toEqual([
        { kind: 'session', value: 'ss-1', users: ['a', 'b', 'c'] },
      ]);
    });
  });

  describe('when a session passes its idle days within a day already swept', () => {
    /** Used at noon on day 0, so idle for the days at noon on day 3, after that day's sweep. */
    function sweptEarly(): ContextTies {
      const ties = new ContextTies();
      useAt(ties, 0, 12, 'a', { session: 'ss-1' }, 1, 1);
      useAt(ties, SESSION_IDLE_DAYS, 6, 'other', { session: 'ss-9' }, 1, 0);
      return ties;
    }

    it('keeps it for the rest of that day, so a second employee on it then is still tied', () => {
      const ties = sweptEarly();
      useAt(ties, SESSION_IDLE_DAYS, 23, 'b', { session: 'ss-1' }, 1, 1);
      expect(ties.matesOf('b')).toEqual(['a']);
    });

    it('forgets it at the first event of the next day', () => {
      const ties = sweptEarly();
      useAt(ties, SESSION_IDLE_DAYS + 1, 0, 'other', { session: 'ss-9' }, 1, 0);
      useAt(ties, SESSION_IDLE_DAYS + 1, 1, 'b', { session: 'ss-1' }, 1, 1);
      expect(ties.matesOf('b')).toEqual([]);
    });
  });
});
