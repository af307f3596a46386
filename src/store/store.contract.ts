import { describe, expect, it } from 'vitest';
import { leafRowLine, type AccessEvent } from '../domain/index.js';
import type { DetectorState, Store } from './ports.js';
import { attributionContract } from './attribution.contract.js';
import { casesContract } from './cases.contract.js';
import { streamPositionsContract } from './stream-positions.contract.js';

const ev = (id: string, extra: Partial<AccessEvent> = {}): AccessEvent => ({
  id,
  time: '2026-03-02T09:14:05Z',
  actor: 'e-1',
  action: 'seller.metrics.view',
  target: { type: 'seller', id: 's-1' },
  ...extra,
});

/**
 * The behaviour every store adapter owes the rest of Warden. Run by each adapter's test
 * with a factory giving a fresh, empty store.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  attributionContract(name, open);
  casesContract(name, open);
  streamPositionsContract(name, open);
  describe(`${name} store`, () => {
    describe('when a transaction commits', () => {
      it('numbers new events from the given leaf, stores a repeated id once, and reads them back exactly', async () => {
        const store = await open();
        const tx = await store.begin();
        const full = ev('b', {
          outcome: 'denied',
          ticket: 't-9',
          context: { ip: '10.0.0.1' },
          attrs: { rows: 3, fields: ['a'] },
        });
        expect(await tx.insertEvents([ev('a'), full, ev('a')], 0)).toEqual([true, true, false]);
        await tx.setLedgerSize(2);
        await tx.commit();
        expect(await store.events.count()).toBe(2);
        const records = [];
        for await (const r of store.ledger.records()) records.push(r);
        expect(records).toEqual([
          { leaf: 0, record: { kind: 'event', body: ev('a') } },
          { leaf: 1, record: { kind: 'event', body: full } },
        ]);
        expect(await store.ledger.leafOf('b')).toBe(1);
        expect(await store.ledger.size()).toBe(2);
        await store.close();
      });

      it('keeps every directory version, points at the newest, and merges leaves in order', async () => {
        const store = await open();
        const tx = await store.begin();
        await tx.insertEvents([ev('x')], 1);
        await tx.insertDirectoryVersions([
          {
            leaf: 0,
            kind: 'employee',
            key: 'e-1',
            payload: '{"id":"e-1","role":"a","site":"S","team":"T"}',
          },
        ]);
        await tx.insertDirectoryVersions([
          {
            leaf: 2,
            kind: 'employee',
            key: 'e-1',
            payload: '{"id":"e-1","role":"b","site":"S","team":"T"}',
          },
        ]);
        expect(await tx.currentPayloads('employee', ['e-1', 'e-2'])).toEqual(
          new Map([['e-1', '{"id":"e-1","role":"b","site":"S","team":"T"}']]),
        );
        await tx.commit();
        const leaves = [];
        for await (const r of store.ledger.records()) leaves.push([r.leaf, r.record.kind]);
        expect(leaves).toEqual([
          [0, 'employee'],
          [1, 'event'],
          [2, 'employee'],
        ]);
        expect(await store.directory.get('employee', 'e-1')).toContain('"role":"b"');
        expect(await store.directory.existing('employee', ['e-1', 'e-2'])).toEqual(
          new Set(['e-1']),
        );
        expect(await store.ledger.leafOf('employee:e-1')).toBe(2);
        expect(await store.ledger.staleCurrentPointers()).toEqual([]);
        const stats = await store.stats();
        expect(stats.counts.employee).toBe(1);
        expect(stats.counts.event).toBe(1);
        expect(stats.employeesBySite).toEqual([{ site: 'S', team: 'T', employees: 1 }]);
        await store.close();
      });

      it('reads leaf ranges chunk by chunk exactly as records() reads them, kinds left out on request', async () => {
        const store = await open();
        const tx = await store.begin();
        const events = Array.from({ length: 25_000 }, (_, i) =>
          ev(`c-${i}`, i % 3 === 0 ? { context: { ip: `10.0.0.${i % 9}` }, attrs: { n: i } } : {}),
        );
        // directory versions take every 5th leaf from 1; the events fill the rest in order
        const versionLeaves = Array.from({ length: 6_000 }, (_, i) => 1 + 5 * i);
        const taken = new Set(versionLeaves);
        const eventLeaves = Array.from({ length: 31_000 }, (_, i) => i).filter(
          (l) => !taken.has(l),
        );
        for (let i = 0; i < events.length; i++)
          await tx.insertEvents([events[i]!], eventLeaves[i]!);
        await tx.insertDirectoryVersions(
          versionLeaves.map((leaf, i) => ({
            leaf,
            kind: i % 2 === 0 ? 'reviewer' : 'seller',
            key: `k-${i}`,
            payload: `{"id":"k-${i}","n":${i}}`,
          })),
        );
        await tx.commit();
        const all = [];
        for await (const r of store.ledger.records()) all.push(r);
        const chunked = async (from: number, to: number, skip?: ('reviewer' | 'seller')[]) => {
          const out = [];
          for await (const c of store.ledger.recordChunks(from, to, skip)) out.push(...c);
          return out;
        };
        expect(await chunked(0, 31_000)).toEqual(all);
        expect(await chunked(7, 23_456)).toEqual(all.filter((r) => r.leaf >= 7 && r.leaf < 23_456));
        expect(await chunked(0, 31_000, ['reviewer'])).toEqual(
          all.filter((r) => r.record.kind !== 'reviewer'),
        );
        expect(await chunked(5, 5)).toEqual([]);
        await store.close();
      });

      it('keeps tiles and checkpoints', async () => {
        const store = await open();
        const tx = await store.begin();
        await tx.putTiles([{ tileLevel: 0, tileIndex: 0, data: Buffer.alloc(32, 1) }]);
        await tx.putTiles([{ tileLevel: 0, tileIndex: 0, data: Buffer.alloc(96, 2) }]);
        await tx.putCheckpoint({
          size: 2,
          rootHash: Buffer.alloc(32, 3),
          note: 'n1',
          createdAt: '2026-03-02T00:00:00Z',
        });
        await tx.putCheckpoint({
          size: 3,
          rootHash: Buffer.alloc(32, 4),
          note: 'n2',
          createdAt: '2026-03-02T00:00:01Z',
        });
        await tx.commit();
        expect(await store.ledger.getTile(0, 0)).toEqual(Buffer.alloc(96, 2));
        expect(await store.ledger.getTile(1, 0)).toBeUndefined();
        expect((await store.ledger.checkpoints()).map((c) => c.note)).toEqual(['n1', 'n2']);
        expect((await store.ledger.latestCheckpoint())?.size).toBe(3);
        await store.close();
      });
    });

    describe('when asked for the actors of event ids', () => {
      it('maps each stored id to its actor, leaves unknown ids out, and takes duplicates', async () => {
        const store = await open();
        const tx = await store.begin();
        await tx.insertEvents([ev('a', { actor: 'e-1' }), ev('b', { actor: 'e-2' })], 0);
        await tx.commit();
        expect(await store.events.actorsOf(['b', 'nope', 'a', 'b', 'a'])).toEqual(
          new Map([
            ['a', 'e-1'],
            ['b', 'e-2'],
          ]),
        );
        expect(await store.events.actorsOf([])).toEqual(new Map());
        await store.close();
      });

      it('answers for 100,000 ids, far more than one query takes', async () => {
        const store = await open();
        const stored = Array.from({ length: 1_200 }, (_, i) =>
          ev(`s-${i}`, { actor: `e-${i % 7}` }),
        );
        const tx = await store.begin();
        await tx.insertEvents(stored, 0);
        await tx.commit();
        // Every 83rd id is a stored one (s-0 at 0 … s-1199 at 99,517), so they fall in every chunk.
        const ids = Array.from({ length: 100_000 }, (_, i) =>
          i % 83 === 0 && i / 83 < stored.length ? `s-${i / 83}` : `u-${i}`,
        );
        const actors = await store.events.actorsOf(ids);
        expect(actors).toEqual(new Map(stored.map((e) => [e.id, e.actor])));
        expect(actors.get('s-1199')).toBe('e-2'); // 1199 % 7 = 2
        await store.close();
      });
    });

    describe('when asked for events by id', () => {
      it('gives each stored one exactly as stored and leaves unknown ids out', async () => {
        const store = await open();
        const full = ev('b', { ticket: 't-1', context: { ip: '10.0.0.1' }, attrs: { rows: 2 } });
        const tx = await store.begin();
        await tx.insertEvents([ev('a'), full], 0);
        await tx.commit();
        expect(await store.events.byIds(['b', 'nope', 'b'])).toEqual(new Map([['b', full]]));
        expect(await store.events.byIds([])).toEqual(new Map());
        await store.close();
      });
    });

    describe('when the detection state is saved', () => {
      const state = (size: number, bytes: number, dirSize = size): DetectorState => ({
        ledgerSize: size,
        rootHash: Buffer.alloc(32, size),
        version: `v${size}`,
        events: size * 2,
        savedAt: '2026-03-02T09:00:00Z',
        data: counting(bytes),
        mac: Buffer.alloc(32, size + 1),
        directory: {
          ledgerSize: dirSize,
          data: counting(bytes + 8).reverse(),
          mac: Buffer.alloc(32, dirSize + 2),
        },
      });
      /** Each 4 bytes their offset: a chunk in the wrong place or order would not match. */
      const counting = (bytes: number): Buffer => {
        const b = Buffer.alloc(bytes);
        for (let i = 0; i + 4 <= bytes; i += 4) b.writeUInt32LE(i, i);
        return b;
      };
      const same = (a: DetectorState | undefined, b: DetectorState): void => {
        const { data, directory, ...rest } = b;
        expect(a).toMatchObject(rest);
        expect(a?.data.equals(data)).toBe(true);
        expect(a?.directory.ledgerSize).toBe(directory.ledgerSize);
        expect(a?.directory.mac.equals(directory.mac)).toBe(true);
        expect(a?.directory.data.equals(directory.data)).toBe(true);
      };

      it('has none at first, then reads back exactly what the last commit stored', async () => {
        const store = await open();
        expect(await store.detectorState.load()).toBeUndefined();
        expect(await store.detectorState.describe()).toBeUndefined();
        for (const [size, bytes] of [
          [3, 10],
          [7, 9 << 20], // several chunks
          [8, 0],
        ] as const) {
          const tx = await store.begin();
          await tx.putDetectorState(state(size, bytes));
          await tx.commit();
          same(await store.detectorState.load(), state(size, bytes));
          const { data: _, directory, ...described } = state(size, bytes);
          expect(await store.detectorState.describe()).toEqual({
            ...described,
            directory: { ledgerSize: directory.ledgerSize, mac: directory.mac },
          });
        }
        await store.close();
      });

      it('keeps the stored directory part when an update comes without one', async () => {
        const store = await open();
        let tx = await store.begin();
        await tx.putDetectorState(state(3, 100));
        await tx.commit();
        const { directory: _, ...rest } = state(9, 50, 3);
        tx = await store.begin();
        await tx.putDetectorState(rest);
        await tx.commit();
        same(await store.detectorState.load(), { ...rest, directory: state(3, 100).directory });
        await store.close();
      });

      it('keeps the old state when the transaction rolls back, and forgets it when cleared', async () => {
        const store = await open();
        let tx = await store.begin();
        await tx.putDetectorState(state(3, 100));
        await tx.commit();
        tx = await store.begin();
        await tx.putDetectorState(state(4, 5 << 20));
        await tx.rollback();
        same(await store.detectorState.load(), state(3, 100));
        await store.detectorState.clear();
        expect(await store.detectorState.load()).toBeUndefined();
        await store.close();
      });
    });

    describe('when findings are saved', () => {
      it('keeps only the latest, exactly as given', async () => {
        const store = await open();
        expect(await store.findings.latest()).toBeUndefined();
        const alert = {
          id: 'al-1',
          employeeId: 'e-1',
          detector: 'd',
          severity: 'high' as const,
          eventTime: '2026-03-02T09:14:05Z',
          sellerIds: ['s-1'],
          events: ['a'],
          summary: 'x',
        };
        const first = {
          computedAt: '2026-03-03T00:00:00Z',
          ledgerSize: 10,
          events: 7,
          findings: {
            risk: [
              {
                employeeId: 'e-1',
                score: 40,
                reasons: [{ indicator: 'i', detail: 'd', events: ['a'] }],
              },
            ],
            alerts: [alert],
          },
        };
        await store.findings.save(first);
        expect(await store.findings.latest()).toEqual(first);
        const second = { ...first, ledgerSize: 12, findings: { risk: [], alerts: [] } };
        await store.findings.save(second);
        expect(await store.findings.latest()).toEqual(second);
        // in a transaction (with the detection state they come from): with its commit only
        const third = { ...first, ledgerSize: 14 };
        let tx = await store.begin();
        await tx.putFindings(third);
        await tx.rollback();
        expect(await store.findings.latest()).toEqual(second);
        tx = await store.begin();
        await tx.putFindings(third);
        await tx.commit();
        expect(await store.findings.latest()).toEqual(third);
        await store.close();
      });
    });

    describe('when the guard keeps approvals and alias hand-outs', () => {
      it('stores an approval, replaces it by id, and lists it by status', async () => {
        const store = await open();
        const pending = {
          id: 'ap-1',
          requester: 'e-1',
          action: 'review.delete',
          targetType: 'review' as const,
          targetId: 'r-1',
          request: '{"reason":"spam"}',
          sellers: ['s-1'],
          createdAt: '2026-03-02T09:00:00Z',
          expiresAt: '2026-03-03T09:00:00Z',
          status: 'pending' as const,
          requestEvent: 'w-1',
        };
        let tx = await store.begin();
        await tx.putApproval(pending);
        await tx.commit();
        expect(await store.guard.approval('ap-1')).toEqual(pending);
        expect(await store.guard.approvals('pending')).toEqual([pending]);
        const approved = {
          ...pending,
          status: 'approved' as const,
          decidedBy: 'e-2',
          decidedAt: '2026-03-02T10:00:00Z',
        };
        tx = await store.begin();
        await tx.putApproval(approved);
        await tx.commit();
        expect(await store.guard.approval('ap-1')).toEqual(approved);
        expect(await store.guard.approvals('pending')).toEqual([]);
        expect(await store.guard.approvals()).toEqual([approved]);
        expect(await store.guard.approval('ap-2')).toBeUndefined();
        await store.close();
      });

      it('lists every hand-out of an alias in the order given, once per event', async () => {
        const store = await open();
        const issue = (eventId: string, viewer: string) => ({
          alias: 'rv-x@relay.example',
          viewer,
          reviewer: 'rv-1',
          issuedAt: '2026-03-02T09:00:00Z',
          eventId,
        });
        const tx = await store.begin();
        await tx.recordAliasIssue(issue('w-9', 'e-1'));
        await tx.recordAliasIssue({ ...issue('w-1', 'e-1'), ticket: 't-1' });
        await tx.recordAliasIssue(issue('w-9', 'e-1'));
        await tx.commit();
        expect(await store.guard.aliasIssues('rv-x@relay.example')).toEqual([
          issue('w-9', 'e-1'),
          { ...issue('w-1', 'e-1'), ticket: 't-1' },
        ]);
        expect(await store.guard.aliasIssues('rv-y@relay.example')).toEqual([]);
        await store.close();
      });

      it('finds the events that name an approval, and the last and every event of an action', async () => {
        const store = await open();
        const decided = { decision: { outcome: 'allow' } };
        const tx = await store.begin();
        await tx.insertEvents(
          [
            ev('w-1', { outcome: 'pending', attrs: { approvalId: 'ap-1', ...decided } }),
            ev('w-2', { outcome: 'allowed', attrs: { approvalId: 'ap-2' } }),
            ev('w-3', { outcome: 'allowed', attrs: { approvalId: 'ap-1', ...decided } }),
            ev('w-4', { outcome: 'allowed' }),
          ],
          0,
        );
        await tx.setLedgerSize(4);
        await tx.commit();
        const ids = (xs: { event: { id: string } }[]) => xs.map((x) => x.event.id);
        expect(ids(await store.guard.approvalEvents('ap-1'))).toEqual(['w-1', 'w-3']);
        expect(await store.guard.approvalEvents('ap-9')).toEqual([]);
        const last = await store.guard.lastEvent('seller.metrics.view', 'allowed');
        expect(last).toMatchObject({ leaf: 3, event: { id: 'w-4' } });
        expect(await store.guard.lastEvent('seller.metrics.view', 'denied')).toBeUndefined();
        const all = [];
        for await (const e of store.guard.eventsOf('seller.metrics.view', 'allowed')) all.push(e);
        expect(ids(all)).toEqual(['w-2', 'w-3', 'w-4']);
        const onlyDecided = [];
        for await (const e of store.guard.eventsOf('seller.metrics.view', 'allowed', true))
          onlyDecided.push(e);
        expect(ids(onlyDecided)).toEqual(['w-3']);
        await store.close();
      });

      it('keeps tokens (by id, newest first) and policy sets (once per hash)', async () => {
        const store = await open();
        const token = {
          id: 'tk-1',
          employee: 'e-1',
          secretHash: Buffer.alloc(32, 7),
          createdAt: '2026-03-02T09:00:00Z',
          eventId: 'w-1',
        };
        const set = { hash: 'h1', files: { 'b.cedar': 'B', 'a.cedar': 'A' }, createdAt: 'x' };
        let tx = await store.begin();
        await tx.putToken(token);
        await tx.putToken({ ...token, id: 'tk-2', createdAt: '2026-03-03T09:00:00Z' });
        await tx.putPolicySet(set);
        await tx.commit();
        expect(await store.tokens.get('tk-1')).toEqual(token);
        expect((await store.tokens.list()).map((t) => t.id)).toEqual(['tk-2', 'tk-1']);
        tx = await store.begin();
        await tx.putToken({ ...token, revokedAt: '2026-03-04T00:00:00Z' });
        await tx.putPolicySet({ ...set, files: { 'a.cedar': 'other' } });
        await tx.commit();
        expect((await store.tokens.get('tk-1'))?.revokedAt).toBe('2026-03-04T00:00:00Z');
        expect(await store.tokens.get('tk-9')).toBeUndefined();
        expect((await store.policySets.get('h1'))?.files).toEqual(set.files);
        expect(await store.policySets.get('h2')).toBeUndefined();
        await store.close();
      });

      it("finds an employee's assignments by a range of keys, not another employee's", async () => {
        const store = await open();
        const a = (employeeId: string, sellerId: string) => ({
          leaf: 0,
          kind: 'assignment' as const,
          key: `${employeeId}\u0000${sellerId}\u00002026-01-01T00:00:00Z`,
          payload: JSON.stringify({ employeeId, sellerId, from: '2026-01-01T00:00:00Z' }),
        });
        const tx = await store.begin();
        await tx.insertDirectoryVersions([
          a('e-1', 's-1'),
          { ...a('e-1', 's-2'), leaf: 1 },
          { ...a('e-10', 's-3'), leaf: 2 },
          { ...a('e-', 's-4'), leaf: 3 },
        ]);
        await tx.commit();
        const sellers = (await store.directory.assignmentsOf('e-1')).map(
          (p) => (JSON.parse(p) as { sellerId: string }).sellerId,
        );
        expect(sellers.sort()).toEqual(['s-1', 's-2']);
        await store.close();
      });
    });

    describe('when stored strings hold NUL and other control characters', () => {
      it('keeps them exactly, and still finds approvals, decisions and sites', async () => {
        const store = await open();
        const odd = 'a\u0000b\u0001\u202e"\\';
        const tx = await store.begin();
        const e = ev('n-1', {
          outcome: 'allowed',
          context: { device: odd },
          attrs: { approvalId: 'ap-1', decision: { note: odd }, note: odd },
        });
        await tx.insertEvents([e, ev('n-2', { outcome: 'allowed', attrs: { decision: null } })], 0);
        await tx.insertDirectoryVersions([
          {
            leaf: 2,
            kind: 'employee',
            key: 'e-1',
            payload: JSON.stringify({ id: 'e-1', site: 'S', team: 'T', attrs: { x: odd } }),
          },
        ]);
        await tx.setLedgerSize(3);
        await tx.commit();
        expect(await store.events.byIds(['n-1'])).toEqual(new Map([['n-1', e]]));
        expect((await store.guard.approvalEvents('ap-1')).map((x) => x.event.id)).toEqual(['n-1']);
        const decided = [];
        for await (const x of store.guard.eventsOf('seller.metrics.view', 'allowed', true))
          decided.push(x.event.id);
        expect(decided).toEqual(['n-1']); // a null decision is no decision
        expect((await store.stats()).employeesBySite).toEqual([
          { site: 'S', team: 'T', employees: 1 },
        ]);
        const lines = [];
        for await (const range of store.ledger.leafRows())
          lines.push(...range.map((row) => JSON.parse(leafRowLine(row)) as unknown));
        expect(lines[0]).toEqual({ v: 1, kind: 'event', ...e });
        await store.close();
      });
    });

    describe('when records are read as lines', () => {
      it('gives each record, in leaf order, as the line whose value is v, kind and its fields', async () => {
        const store = await open();
        const tx = await store.begin();
        const full = ev('b', {
          outcome: 'denied',
          ticket: 't-9',
          context: { ip: '10.0.0.1', device: 'd "1"' },
          attrs: { rows: 3, fields: ['a'], nested: { x: null } },
        });
        await tx.insertEvents([ev('a'), full], 1);
        await tx.insertDirectoryVersions([
          { leaf: 0, kind: 'seller', key: 's-1', payload: '{"id":"s-1","name":"Ünïcode ✓"}' },
          { leaf: 3, kind: 'seller', key: 's-2', payload: '{}' },
          { leaf: 4, kind: 'seller', key: 's-3', payload: '{"id":"s-3","kind":"odd","v":7}' },
        ]);
        await tx.setLedgerSize(5);
        await tx.commit();
        const records = [];
        for await (const r of store.ledger.records(1)) records.push(r);
        // the same records as raw rows, a range at a time: each row writes its line
        const rows = [];
        for await (const range of store.ledger.leafRows(1)) rows.push(...range);
        expect(rows.map((row) => [row[0], JSON.parse(leafRowLine(row)) as unknown])).toEqual(
          records.map((r) => [r.leaf, { v: 1, kind: r.record.kind, ...r.record.body }]),
        );
        await store.close();
      });
    });

    describe('when a transaction rolls back', () => {
      it('leaves nothing of it behind', async () => {
        const store = await open();
        const tx = await store.begin();
        await tx.insertEvents([ev('a')], 0);
        await tx.putTiles([{ tileLevel: 0, tileIndex: 0, data: Buffer.alloc(32) }]);
        await tx.setLedgerSize(1);
        store.dataKeys.putWrappedKey('rv-1', Buffer.alloc(60));
        await tx.rollback();
        expect(await store.events.count()).toBe(0);
        expect(await store.ledger.getTile(0, 0)).toBeUndefined();
        expect(await store.ledger.size()).toBe(0);
        expect(store.dataKeys.getWrappedKey('rv-1')).toBeUndefined();
        await expect(tx.commit()).rejects.toThrow(/ended/);
        await store.close();
      });
    });

    describe('when a second writer asks', () => {
      it('is refused while the first holds the transaction', async () => {
        const store = await open();
        const tx = await store.begin();
        await expect(store.begin()).rejects.toMatchObject({ code: 'BUSY' });
        await tx.rollback();
        const again = await store.begin();
        await again.rollback();
        await store.close();
      });
    });

    describe('when facts about the database are recorded', () => {
      it('keeps the first value of each name and adds only the missing ones', async () => {
        const store = await open();
        expect(await store.meta.get('key.master.check')).toBeUndefined();
        await store.meta.recordIfAbsent({ 'key.master.check': 'a' });
        await store.meta.recordIfAbsent({ 'key.master.check': 'b', 'key.ledger.verifier': 'v' });
        expect(await store.meta.get('key.master.check')).toBe('a');
        expect(await store.meta.get('key.ledger.verifier')).toBe('v');
        await store.close();
      });
    });

    describe('when attribution keeps canaries and address hashes', () => {
      it('lists sealed canaries in order, finds reviewers by hash, and events on chosen targets', async () => {
        const store = await open();
        expect(await store.attribution.canaries()).toEqual([]);
        const h1 = Buffer.alloc(32, 1);
        const h2 = Buffer.alloc(32, 2);
        const tx = await store.begin();
        await tx.insertEvents(
          [
            ev('ev-1', { target: { type: 'reviewer', id: 'rv-1' } }),
            ev('ev-2', { target: { type: 'reviewer', id: 'rv-2' }, outcome: 'denied' }),
            ev('ev-3', { target: { type: 'seller', id: 'rv-1' } }),
          ],
          0,
        );
        await tx.putCanaries(['enc:v1:b', 'enc:v1:a']);
        await tx.putEmailHashes([
          { hash: h1, reviewer: 'rv-1' },
          { hash: h1, reviewer: 'rv-1' },
          { hash: h1, reviewer: 'rv-0' },
          { hash: h2, reviewer: 'rv-2' },
        ]);
        await tx.commit();
        expect(await store.attribution.canaries()).toEqual(['enc:v1:b', 'enc:v1:a']);
        const found = await store.attribution.reviewersByEmailHash([h1, Buffer.alloc(32, 9)]);
        expect([...found]).toEqual([[h1.toString('hex'), ['rv-0', 'rv-1']]]);
        expect(await store.attribution.hashedReviewers()).toBe(3);
        const on: string[] = [];
        for await (const e of store.attribution.eventsOn('reviewer', new Set(['rv-1', 'rv-2'])))
          on.push(`${e.leaf}:${e.event.id}`);
        expect(on).toEqual(['0:ev-1', '1:ev-2']);
        await store.close();
      });
    });

    describe('when data keys are stored and read many at a time', () => {
      it('reads and writes them as one at a time would, the last put of a subject winning', async () => {
        const store = await open();
        const rows = Array.from(
          { length: 600 },
          (_, i) => [`rv-${i}`, Buffer.from([i % 256, 1])] as const,
        );
        store.dataKeys.putWrappedKeys([...rows, ['rv-3', Buffer.from([9])]]);
        const wanted = ['rv-599', 'rv-3', 'nobody', ...rows.slice(0, 300).map(([s]) => s)];
        const found = store.dataKeys.getWrappedKeys(wanted);
        expect(found.size).toBe(301);
        expect(found.has('nobody')).toBe(false);
        expect(found.get('rv-3')).toEqual(Buffer.from([9]));
        expect(found.get('rv-599')).toEqual(store.dataKeys.getWrappedKey('rv-599'));
        expect(found.get('rv-0')).toEqual(Buffer.from([0, 1]));
        expect(store.dataKeys.getWrappedKeys([]).size).toBe(0);
        await store.close();
      });
    });

    describe('when a data key is stored', () => {
      it('offers one of them for a master key check', async () => {
        const store = await open();
        expect(store.dataKeys.someWrappedKey()).toBeUndefined();
        store.dataKeys.putWrappedKey('rv-1', Buffer.from([1, 2, 3]));
        expect(store.dataKeys.someWrappedKey()).toEqual({
          subject: 'rv-1',
          wrapped: Buffer.from([1, 2, 3]),
        });
        await store.close();
      });
    });
  });
}
