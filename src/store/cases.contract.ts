import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '../domain/index.js';
import type { Store } from './ports.js';
import type { StoredCase } from './ports-cases.js';

const kase = (id: string, openedAt: string, extra: Partial<StoredCase> = {}): StoredCase => ({
  id,
  title: `case ${id}`,
  status: 'open',
  openedBy: 'e-9',
  openedAt,
  eventId: `ev-${id}`,
  ...extra,
});

const ev = (id: string, actor: string, targetId: string): AccessEvent => ({
  id,
  time: '2026-03-02T09:14:05Z',
  actor,
  action: 'seller.metrics.view',
  target: { type: 'seller', id: targetId },
});

/**
 * What the cases port owes on every adapter: the orders it promises, upserts that replace
 * and inserts that keep the first, and legal holds the vault sees at once — in the writing
 * transaction, and gone again when that transaction rolls back.
 */
export function casesContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store, cases`, () => {
    it('lists cases newest first, replaces a case by id, keeps a member once, notes in order', async () => {
      const store = await open();
      const tx = await store.begin();
      await tx.putCase(kase('c-b', '2026-03-01T00:00:00Z'));
      await tx.putCase(kase('c-a', '2026-03-02T00:00:00Z'));
      await tx.putCase(kase('C-c', '2026-03-01T00:00:00Z', { assignee: 'e-2' }));
      await tx.putCase(kase('c-b', '2026-03-01T00:00:00Z', { status: 'closed', heldBy: 'e-3' }));
      const member = { caseId: 'c-a', addedAt: '2026-03-02T01:00:00Z', eventId: 'm1' };
      await tx.putCaseMember({ ...member, kind: 'seller', ref: 's-2' });
      await tx.putCaseMember({ ...member, kind: 'employee', ref: 'e-1', detail: 'first' });
      await tx.putCaseMember({ ...member, kind: 'employee', ref: 'e-1', detail: 'second' });
      await tx.putCaseMember({
        ...member,
        kind: 'alert',
        ref: 'a-1',
        addedAt: '2026-03-02T00:30:00Z',
      });
      for (const text of ['z first', 'a second'])
        await tx.addCaseNote({ caseId: 'c-a', author: 'e-9', text, at: 't', eventId: text });
      await tx.commit();
      expect((await store.cases.list()).map((c) => c.id)).toEqual(['c-a', 'C-c', 'c-b']);
      expect(await store.cases.get('c-b')).toEqual(
        kase('c-b', '2026-03-01T00:00:00Z', { status: 'closed', heldBy: 'e-3' }),
      );
      expect(await store.cases.get('nope')).toBeUndefined();
      const members = await store.cases.members('c-a');
      expect(members.map((m) => `${m.kind}:${m.ref}:${m.detail ?? ''}`)).toEqual([
        'alert:a-1:',
        'employee:e-1:first',
        'seller:s-2:',
      ]);
      expect((await store.cases.notes('c-a')).map((n) => n.text)).toEqual(['z first', 'a second']);
      expect(await store.cases.casesOf('employee', 'e-1')).toEqual(['c-a']);
      await store.close();
    });

    it('sees a hold in its own transaction, forgets it on rollback, and keeps it once committed', async () => {
      const store = await open();
      let tx = await store.begin();
      await tx.putCase(kase('c-1', 't'));
      await tx.putCaseMember({
        caseId: 'c-1',
        kind: 'reviewer',
        ref: 'rv-1',
        addedAt: 't',
        eventId: 'x',
      });
      await tx.commit();
      expect(store.dataKeys.holdsOn('rv-1')).toEqual([]);
      tx = await store.begin();
      await tx.putCase(kase('c-1', 't', { heldAt: 'h', heldBy: 'e-3' }));
      expect(store.dataKeys.holdsOn('rv-1')).toEqual(['c-1']);
      await tx.rollback();
      expect(store.dataKeys.holdsOn('rv-1')).toEqual([]);
      tx = await store.begin();
      await tx.putCase(kase('c-1', 't', { heldAt: 'h', heldBy: 'e-3' }));
      await tx.putCase(kase('c-2', 't', { heldAt: 'h', heldBy: 'e-3' }));
      await tx.putCaseMember({
        caseId: 'c-2',
        kind: 'reviewer',
        ref: 'rv-1',
        addedAt: 't',
        eventId: 'y',
      });
      await tx.putCaseMember({
        caseId: 'c-2',
        kind: 'alert',
        ref: 'rv-2',
        addedAt: 't',
        eventId: 'z',
      });
      await tx.commit();
      expect(store.dataKeys.holdsOn('rv-1')).toEqual(['c-1', 'c-2']);
      expect(store.dataKeys.holdsOn('rv-2')).toEqual([]); // an alert is not a person
      await store.close();
    });

    it('deletes a data key only when no hold names its subject, its own transaction’s holds included', async () => {
      const store = await open();
      let tx = await store.begin();
      await tx.putCase(kase('c-1', 't'));
      for (const ref of ['rv-1', 'rv-2'])
        await tx.putCaseMember({
          caseId: 'c-1',
          kind: 'reviewer',
          ref,
          addedAt: 't',
          eventId: ref,
        });
      store.dataKeys.putWrappedKeys([
        ['rv-1', Buffer.from('one')],
        ['rv-2', Buffer.from('two')],
      ]);
      await tx.commit();
      tx = await store.begin();
      await tx.putCase(kase('c-1', 't', { heldAt: 'h', heldBy: 'e-3' }));
      expect(await store.dataKeys.deleteWrappedKeyUnlessHeld('rv-1')).toEqual({
        holds: ['c-1'],
        deleted: false,
      });
      await tx.rollback();
      expect(store.dataKeys.getWrappedKey('rv-1')).toEqual(Buffer.from('one'));
      expect(await store.dataKeys.deleteWrappedKeyUnlessHeld('rv-1')).toEqual({
        holds: [],
        deleted: true,
      });
      expect(await store.dataKeys.deleteWrappedKeyUnlessHeld('rv-1')).toEqual({
        holds: [],
        deleted: false,
      });
      expect(store.dataKeys.getWrappedKey('rv-1')).toBeUndefined();
      expect(store.dataKeys.getWrappedKey('rv-2')).toEqual(Buffer.from('two'));
      await store.close();
    });

    it('keeps triage, access, erasure requests, the outbox and appeals as SQLite does', async () => {
      const store = await open();
      const tx = await store.begin();
      const triage = { detector: 'd', employee: 'e-1', by: 'e-9', at: 't', eventId: 'x' } as const;
      await tx.putTriage({ ...triage, alertId: 'a-1', state: 'dismissed', until: '2026-05-01' });
      await tx.putTriage({ ...triage, alertId: 'a-2', state: 'dismissed' });
      await tx.putTriage({ ...triage, alertId: 'a-3', state: 'acknowledged' });
      await tx.putTriage({
        ...triage,
        alertId: 'a-3',
        state: 'dismissed',
        until: '2026-04-01',
        reason: 'r',
      });
      await tx.putTriage({ ...triage, alertId: 'a-4', state: 'escalated', caseId: 'c-1' });
      await tx.putAccess('e-1', 'suspended', 'x');
      await tx.putAccess('e-2', 'revoked', 'x');
      await tx.putAccess('e-2', undefined, 'x');
      const erasure = { requestedBy: 'e-9', eventId: 'x' };
      await tx.putErasureRequest({ ...erasure, subject: 'rv-2', requestedAt: '2026-03-02' });
      await tx.putErasureRequest({ ...erasure, subject: 'rv-1', requestedAt: '2026-03-02' });
      await tx.putErasureRequest({ ...erasure, subject: 'rv-1', requestedAt: '2026-01-01' });
      await tx.putErasureRequest({ ...erasure, subject: 'rv-3', requestedAt: '2026-03-01' });
      await tx.deleteErasureRequest('rv-3');
      const cmd = { caseId: 'c-1', measure: 'm', payload: '{}', eventId: 'x', attempts: 0 };
      await tx.putOutbox({ ...cmd, id: 'o-2', createdAt: '2026-03-01' });
      await tx.putOutbox({ ...cmd, id: 'o-1', createdAt: '2026-03-01' });
      await tx.putOutbox({ ...cmd, id: 'o-1', createdAt: '2026-01-01', payload: '{"x":1}' });
      await tx.outboxAttempt('o-1', { error: 'x'.repeat(600) });
      await tx.outboxAttempt('o-2', { error: 'down' });
      await tx.outboxAttempt('o-2', { deliveredAt: '2026-03-03' });
      const appeal = {
        id: 'ap-1',
        caseId: 'c-1',
        measureEvent: 'me',
        appellant: 's-1',
        grounds: 'g',
        filedBy: 'e-9',
        filedAt: 't',
        eventId: 'x',
      };
      await tx.putAppeal(appeal);
      await tx.putAppeal({
        ...appeal,
        outcome: 'upheld',
        decidedBy: 'e-8',
        decidedAt: 'u',
        decision: 'd',
      });
      await tx.commit();
      expect((await store.cases.dismissals()).map((t) => t.alertId)).toEqual(['a-2', 'a-3', 'a-1']);
      expect((await store.cases.triages()).map((t) => `${t.alertId}:${t.state}`)).toEqual([
        'a-1:dismissed',
        'a-2:dismissed',
        'a-3:dismissed',
        'a-4:escalated',
      ]);
      expect((await store.cases.triages())[3]?.caseId).toBe('c-1');
      expect(await store.cases.triage('a-3')).toEqual({
        ...triage,
        alertId: 'a-3',
        state: 'dismissed',
        until: '2026-04-01',
        reason: 'r',
      });
      expect(await store.cases.accessOf('e-1')).toBe('suspended');
      expect(await store.cases.accessOf('e-2')).toBeUndefined();
      expect(
        (await store.cases.erasureRequests()).map((r) => `${r.subject}@${r.requestedAt}`),
      ).toEqual(['rv-1@2026-03-02', 'rv-2@2026-03-02']);
      expect((await store.cases.outbox('all')).map((o) => o.id)).toEqual(['o-1', 'o-2']);
      const [pending] = await store.cases.outbox('pending');
      expect(pending).toEqual({
        ...cmd,
        id: 'o-1',
        createdAt: '2026-03-01',
        attempts: 1,
        lastError: 'x'.repeat(500),
      });
      expect((await store.cases.outbox('all'))[1]).toMatchObject({
        deliveredAt: '2026-03-03',
        attempts: 2,
      });
      expect((await store.cases.outbox('all'))[1]?.lastError).toBeUndefined();
      expect(await store.cases.appeal('ap-1')).toEqual({
        ...appeal,
        outcome: 'upheld',
        decidedBy: 'e-8',
        decidedAt: 'u',
        decision: 'd',
      });
      expect(await store.cases.appeal('ap-2')).toBeUndefined();
      await store.close();
    });

    it('lists every appeal, newest filed first', async () => {
      const store = await open();
      expect(await store.cases.appeals()).toEqual([]);
      const tx = await store.begin();
      const appeal = {
        caseId: 'c-1',
        measureEvent: 'me',
        appellant: 's-1',
        grounds: 'g',
        filedBy: 'e-9',
        eventId: 'x',
      };
      await tx.putAppeal({ ...appeal, id: 'ap-old', filedAt: '2026-03-01T00:00:00Z' });
      await tx.putAppeal({ ...appeal, id: 'ap-new', filedAt: '2026-03-05T00:00:00Z' });
      await tx.putAppeal({
        ...appeal,
        id: 'ap-old',
        filedAt: '2026-03-01T00:00:00Z',
        outcome: 'overturned',
        decidedBy: 'e-8',
        decidedAt: '2026-03-06T00:00:00Z',
        decision: 'd',
      });
      await tx.commit();
      const all = await store.cases.appeals();
      expect(all.map((a) => a.id)).toEqual(['ap-new', 'ap-old']);
      expect(all[1]).toMatchObject({ outcome: 'overturned', decidedBy: 'e-8' });
      expect(all[0]?.outcome).toBeUndefined();
      await store.close();
    });

    it('finds the events of actors and on targets, each once, in leaf order', async () => {
      const store = await open();
      const events = [
        ev('v0', 'e-1', 's-1'),
        ev('v1', 'e-2', 's-2'),
        ev('v2', 'e-3', 's-1'),
        ev('v3', 'e-1', 's-3'),
        ev('v4', 'e-2', 's-3'),
      ];
      const tx = await store.begin();
      await tx.insertEvents(events, 0);
      await tx.commit();
      const about = await store.cases.eventsAbout(['e-1'], ['s-1', 's-9']);
      expect(about.map((x) => `${x.leaf}:${x.event.id}`)).toEqual(['0:v0', '2:v2', '3:v3']);
      expect(about[0]?.event).toEqual(events[0]);
      expect(await store.cases.eventsAbout([], [])).toEqual([]);
      expect((await store.cases.eventsAbout([], ['s-3'])).map((x) => x.leaf)).toEqual([3, 4]);
      await store.close();
    });

    it("finds a seller's products and their reviews as the directory has them now", async () => {
      const store = await open();
      const v = (leaf: number, kind: 'product' | 'review', body: object): object => ({
        leaf,
        kind,
        key: (body as { id: string }).id,
        payload: JSON.stringify(body),
      });
      const tx = await store.begin();
      await tx.insertDirectoryVersions([
        v(0, 'product', { id: 'p-1', sellerId: 's-1' }),
        v(1, 'product', { id: 'p-2', sellerId: 's-2' }),
        v(2, 'product', { id: 'p-3', sellerId: 's-1' }),
        v(3, 'review', { id: 'r-1', productId: 'p-1' }),
        v(4, 'review', { id: 'r-2', productId: 'p-2' }),
        v(5, 'review', { id: 'r-3', productId: 'p-3' }),
        v(6, 'review', { id: 'r-4', productId: 'p-1' }),
        // p-3 passed to s-2: the current version counts
        v(7, 'product', { id: 'p-3', sellerId: 's-2' }),
      ] as Parameters<typeof tx.insertDirectoryVersions>[0]);
      await tx.commit();
      expect(await store.cases.catalogueOf(['s-1'])).toEqual({
        products: ['p-1'],
        reviews: ['r-1', 'r-4'],
      });
      expect(await store.cases.catalogueOf(['s-2', 's-9'])).toEqual({
        products: ['p-2', 'p-3'],
        reviews: ['r-2', 'r-3'],
      });
      expect(await store.cases.catalogueOf([])).toEqual({ products: [], reviews: [] });
      expect(await store.cases.catalogueOf(['s-9'])).toEqual({ products: [], reviews: [] });
      await store.close();
    });

    it('lists the suspensions and revocations in force, by employee', async () => {
      const store = await open();
      const tx = await store.begin();
      await tx.putAccess('e-2', 'revoked', 'w-1');
      await tx.putAccess('e-1', 'suspended', 'w-2');
      await tx.putAccess('e-3', 'suspended', 'w-3');
      await tx.putAccess('e-3', undefined, 'w-4');
      await tx.commit();
      expect(await store.cases.accessRows()).toEqual([
        { employee: 'e-1', state: 'suspended', eventId: 'w-2' },
        { employee: 'e-2', state: 'revoked', eventId: 'w-1' },
      ]);
      await store.close();
    });
  });
}
