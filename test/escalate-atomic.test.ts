import { afterEach, describe, expect, it } from 'vitest';
import { escalate, type CaseDeps } from '../src/cases/index.js';
import { Recorder } from '../src/guard/index.js';
import type { GuardFixture } from '../src/guard/test-support.js';
import type { Store, StoreTransaction } from '../src/store/index.js';
import { alertAbout, casesFixture } from './cases-support.js';

// An escalation opens a case, links the alert (its employees and sellers become subjects) and
// marks the alert escalated: three events. A failure between them must not leave a case
// without its alert, or subjects without the escalation that brought them.

let fx: GuardFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** The store, except that its transactions fail when the alert's subjects are written. */
function failingOnLink(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'begin') return Reflect.get(target, prop, receiver) as unknown;
      return async (): Promise<StoreTransaction> => {
        const tx = await target.begin();
        return new Proxy(tx, {
          get(t, p, r) {
            if (p === 'putCaseMember') {
              return () => Promise.reject(new Error('disk full while linking the alert'));
            }
            const v = Reflect.get(t, p, r) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
          },
        });
      };
    },
  });
}

describe('escalate', () => {
  describe('when the write fails half-way', () => {
    it('leaves no case, no subjects, no triage and no leaf; a retry then succeeds whole', async () => {
      const fixture = await casesFixture();
      fx = fixture.fx;
      const broken: CaseDeps = {
        ...fixture.deps,
        recorder: new Recorder(failingOnLink(fx.store), fx.ledger, fixture.deps.now),
      };
      const alert = alertAbout('a1', []);
      const size = fx.ledger.size;
      const stored = await fx.store.ledger.size();
      await expect(escalate(broken, 'counsel1', alert)).rejects.toThrow(/disk full/);
      expect(await fx.store.cases.list()).toEqual([]);
      expect(await fx.store.cases.triage(alert.id)).toBeUndefined();
      expect(await fx.store.cases.casesOf('employee', 'a1')).toEqual([]);
      expect(fx.ledger.size).toBe(size);
      expect(await fx.store.ledger.size()).toBe(stored);
      expect(await fx.store.cases.eventsAbout(['counsel1'], [])).toEqual([]);

      const caseId = await escalate(fixture.deps, 'counsel1', alert);
      expect((await fx.store.cases.list()).map((c) => c.id)).toEqual([caseId]);
      expect(await fx.store.cases.casesOf('employee', 'a1')).toEqual([caseId]);
      expect((await fx.store.cases.triage(alert.id))?.caseId).toBe(caseId);
      const actions = (await fx.store.cases.eventsAbout(['counsel1'], [])).map(
        (e) => e.event.action,
      );
      expect(actions).toEqual(['x-case.open', 'x-case.alert.link', 'x-alert.escalate']);
    });
  });
});
