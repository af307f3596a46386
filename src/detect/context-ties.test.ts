import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '../domain/index.js';
import { ContextTies, CROWD } from './context-ties.js';

let n = 0;
function event(
  actor: string,
  context: { ip?: string; device?: string; session?: string },
): AccessEvent {
  return {
    id: `ev-${++n}`,
    time: '2026-09-08T10:00:00Z',
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
});
