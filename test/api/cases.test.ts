import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInclusion } from '../../src/ledger/index.js';
import { wireReadOnly } from '../../src/cli/read-only.js';
import { dumpDb, employee, event, runCli } from '../helpers.js';
import { apiFixture, bearer, type ApiFixture } from './fixture.js';

// An investigation over HTTP, through the same cases context as `warden case`: a leaver's
// access raises an alert, an investigator triages and escalates it, the case shows its subject
// pseudonymous, a note and the timeline's proofs, and a measure goes through the guard and a
// second person of the legal team.
let f: ApiFixture;
let alertId = '';
beforeAll(async () => {
  f = await apiFixture();
  const batch = [
    employee('inv2', { team: 'trust', role: 'investigator' }),
    employee('legal1', { team: 'legal', role: 'counsel' }),
    employee('legal2', { team: 'legal', role: 'counsel' }),
    // gone1 left on 2026-02-01: a look at a seller a month later is a certain alert
    event('ev-gone', {
      actor: 'gone1',
      time: '2026-03-02T10:00:00Z',
      target: { type: 'seller', id: 's1' },
    }),
  ];
  const ingested = await f.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...bearer(f.tokens['feed1']!), 'content-type': 'application/x-ndjson' },
    payload: `${batch.join('\n')}\n`,
  });
  expect(ingested.statusCode, ingested.body).toBe(200);
  for (const id of ['inv2', 'legal1', 'legal2']) tokens[id] = await f.token(id);
  const alerts = await get('/v1/alerts?limit=500', 'inv1');
  const list = alerts.json<{ items: { id: string; employeeId: string }[] }>().items;
  alertId = list.find((a) => a.employeeId === 'gone1')?.id ?? '';
  expect(alertId, alerts.body).not.toBe('');
  expect(await triageOf(alertId)).toEqual({ state: 'new' });
}, 120_000);
afterAll(async () => {
  await f?.close();
});

const tokens: Record<string, string> = {};
const as = (who: string) => bearer(tokens[who] ?? f.tokens[who]!);
const get = (url: string, who: string) => f.app.inject({ method: 'GET', url, headers: as(who) });
const post = (url: string, who: string, payload?: object) =>
  f.app.inject({ method: 'POST', url, headers: as(who), ...(payload ? { payload } : {}) });

interface Queued {
  id: string;
  triage: { state: string; by?: string; caseId?: string };
}

/** The alert queue, filtered by triage state when `states` is given. */
async function queue(states?: string): Promise<Queued[]> {
  const res = await get(`/v1/alerts?limit=500${states ? `&triage=${states}` : ''}`, 'inv1');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Queued[] }>().items;
}

const triageOf = async (id: string) => (await queue()).find((a) => a.id === id)?.triage;

async function eventById(id: string) {
  const r = await wireReadOnly(f.db);
  try {
    return (await r.store.events.byIds([id])).get(id);
  } finally {
    await r.close();
  }
}

describe('triage over HTTP', () => {
  describe('when an investigator acknowledges an alert', () => {
    it('records an x-alert.acknowledge event by the caller', async () => {
      const res = await post(`/v1/alerts/${alertId}/acknowledge`, 'inv1');
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ alert: string; state: string; eventId: string }>();
      expect(body).toMatchObject({ alert: alertId, state: 'acknowledged' });
      const recorded = await eventById(body.eventId);
      expect(recorded).toMatchObject({
        actor: 'inv1',
        action: 'x-alert.acknowledge',
        target: { id: `alert:${alertId}` },
      });
    });

    it('shows the alert acknowledged in the queue, and the filters keep it or leave it out', async () => {
      expect(await triageOf(alertId)).toMatchObject({ state: 'acknowledged', by: 'inv1' });
      const acknowledged = await queue('acknowledged');
      expect(acknowledged.map((a) => a.id)).toContain(alertId);
      expect(acknowledged.every((a) => a.triage.state === 'acknowledged')).toBe(true);
      expect((await queue('new')).map((a) => a.id)).not.toContain(alertId);
      expect((await queue('new,acknowledged')).map((a) => a.id)).toContain(alertId);
      const all = await queue();
      const split = (await queue('new')).length + acknowledged.length;
      expect(split).toBe(all.length);
    });

    it('refuses a triage filter that is not a state', async () => {
      const res = await get('/v1/alerts?triage=new,closed', 'inv1');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    });
  });

  describe('when a dismissal is malformed or the alert unknown', () => {
    it('names the field, answers 400 or 404, and stores nothing', async () => {
      // bring the detection cache up to the ledger's end first: only the refusals are compared
      await get('/v1/alerts', 'inv1');
      const before = dumpDb(f.db);
      const past = await post(`/v1/alerts/${alertId}/dismiss`, 'inv1', {
        reason: 'known contractor',
        until: '2020-01-01T00:00:00Z',
      });
      expect(past.statusCode).toBe(400);
      expect(past.json()).toMatchObject({
        error: { code: 'INPUT_INVALID', message: expect.stringMatching(/until/) as unknown },
      });
      const extra = await post(`/v1/alerts/${alertId}/dismiss`, 'inv1', {
        reason: 'x',
        until: '2099-01-01T00:00:00Z',
        everyone: true,
      });
      expect(extra.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
      const unknown = await post('/v1/alerts/al-99999/acknowledge', 'inv1');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: { code: 'ALERT_NOT_FOUND' } });
      expect(dumpDb(f.db)).toBe(before);
    });
  });
});

describe('cases over HTTP', () => {
  let caseId = '';

  describe('when an alert is escalated', () => {
    it('opens a case whose employee subject is pseudonymous, and lists it', async () => {
      const res = await post(`/v1/alerts/${alertId}/escalate`, 'inv1', {});
      expect(res.statusCode, res.body).toBe(200);
      caseId = res.json<{ caseId: string }>().caseId;
      expect(caseId).toMatch(/^case-/);
      expect(await triageOf(alertId)).toMatchObject({ state: 'escalated', by: 'inv1', caseId });
      expect((await queue('escalated')).map((a) => a.id)).toEqual([alertId]);

      const shown = await get(`/v1/cases/${caseId}`, 'inv2');
      expect(shown.statusCode, shown.body).toBe(200);
      const view = shown.json<{
        revealed: boolean;
        subjects: { kind: string; ref: string }[];
        lookEvent: string;
      }>();
      expect(view.revealed).toBe(false);
      expect(shown.body).not.toContain('gone1');
      expect(view.subjects).toContainEqual({
        kind: 'employee',
        ref: expect.stringMatching(/^person-[a-z2-7]{16}$/) as unknown,
      });
      expect(view.subjects).toContainEqual({ kind: 'seller', ref: 's1' });
      // the look itself is in the ledger, by the reader
      expect(await eventById(view.lookEvent)).toMatchObject({
        actor: 'inv2',
        action: 'x-case.view',
      });

      const listed = await get('/v1/cases', 'inv1');
      expect(listed.json<{ items: { id: string }[] }>().items.map((c) => c.id)).toContain(caseId);
    });
  });

  describe('when a note is added', () => {
    it('shows it on the case, by its author', async () => {
      const res = await post(`/v1/cases/${caseId}/notes`, 'inv1', { text: 'called the manager' });
      expect(res.json()).toEqual({ caseId, ok: true });
      const view = (await get(`/v1/cases/${caseId}`, 'inv1')).json<{
        notes: { author: string; text: string }[];
      }>();
      expect(view.notes).toContainEqual(
        expect.objectContaining({ author: 'inv1', text: 'called the manager' }),
      );
    });

    it('refuses a control character naming the field, and an unknown case with 404', async () => {
      const bad = await post(`/v1/cases/${caseId}/notes`, 'inv1', { text: 'a\u0000b' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        error: { code: 'INPUT_INVALID', message: expect.stringMatching(/note/) as unknown },
      });
      const none = await get('/v1/cases/case-nope', 'inv1');
      expect(none.statusCode).toBe(404);
      expect(none.json()).toMatchObject({ error: { code: 'CASE_NOT_FOUND' } });
    });
  });

  describe('when the timeline is asked for', () => {
    it("proves each of the subjects' events against the signed checkpoint", async () => {
      const res = await get(`/v1/cases/${caseId}/timeline`, 'inv1');
      expect(res.statusCode, res.body).toBe(200);
      const t = res.json<{
        treeSize: number;
        rootHash: string;
        entries: { leaf: number; leafHash: string; proof: string[]; event: { id: string } }[];
      }>();
      const entry = t.entries.find((e) => e.event.id === 'ev-gone');
      expect(entry, res.body).toBeDefined();
      expect(res.body).not.toContain('gone1');
      const hex = (s: string) => Buffer.from(s, 'hex');
      expect(() =>
        verifyInclusion(
          entry!.leaf,
          t.treeSize,
          hex(entry!.leafHash),
          entry!.proof.map(hex),
          hex(t.rootHash),
        ),
      ).not.toThrow();
      // a proof for another leaf does not verify: the check above could fail
      expect(() =>
        verifyInclusion(
          entry!.leaf + 1,
          t.treeSize,
          hex(entry!.leafHash),
          entry!.proof.map(hex),
          hex(t.rootHash),
        ),
      ).toThrow();
    });
  });

  describe('when the legal team takes a measure', () => {
    const measure = {
      measure: 'seller.suspend',
      subject: 's1',
      reason: 'a leaver kept looking at the seller',
      rule: 'terms §4',
    };

    it('is pending for a second person, refused to the asker, carried out once approved', async () => {
      const asked = await post(`/v1/cases/${caseId}/actions`, 'legal1', measure);
      expect(asked.statusCode, asked.body).toBe(202);
      const { approvalId } = asked.json<{ approvalId: string }>();

      const self = await post(`/v1/approvals/${approvalId}/approve`, 'legal1');
      expect(self.json()).toMatchObject({ error: { code: 'DENIED' } });
      const peer = await post(`/v1/approvals/${approvalId}/approve`, 'legal2');
      expect(peer.statusCode, peer.body).toBe(200);

      const done = await post(`/v1/cases/${caseId}/actions`, 'legal1', {
        ...measure,
        approvalId,
      });
      expect(done.statusCode, done.body).toBe(200);
      const { eventId } = done.json<{ outcome: string; eventId: string }>();
      expect(done.json()).toMatchObject({ outcome: 'allow' });
      expect(await eventById(eventId)).toMatchObject({
        actor: 'legal1',
        action: 'x-case.enforce',
        outcome: 'allowed',
      });

      const replay = await post(`/v1/cases/${caseId}/actions`, 'legal1', {
        ...measure,
        approvalId,
      });
      expect(replay.statusCode).toBe(403);

      // an appeal filed against it is listed
      process.env['WARDEN_INSECURE_IDENTITY'] = '1';
      try {
        const filed = await runCli([
          'appeal',
          'file',
          eventId,
          '--appellant',
          's1',
          '--grounds',
          'we did nothing wrong',
          '--db',
          f.db,
          '--insecure-as',
          'inv2',
          '--json',
        ]);
        expect(filed.code, filed.err).toBe(0);
      } finally {
        delete process.env['WARDEN_INSECURE_IDENTITY'];
      }
      const appeals = await get('/v1/appeals', 'legal2');
      expect(appeals.statusCode, appeals.body).toBe(200);
      expect(appeals.json<{ items: object[] }>().items).toEqual([
        expect.objectContaining({ caseId, measureEvent: eventId, appellant: 's1' }),
      ]);
    });

    it('decides an appeal: never by who took or approved the measure; ledgered; once', async () => {
      const [appeal] = (await get('/v1/appeals', 'inv1')).json<{ items: { id: string }[] }>().items;
      expect(appeal).toBeDefined();
      const decide = (who: string, outcome: string) =>
        post(`/v1/appeals/${appeal!.id}/decide`, who, { outcome, decision: 'no evidence' });
      for (const who of ['legal1', 'legal2']) {
        const refused = await decide(who, 'overturned');
        expect(refused.statusCode, refused.body).toBe(403);
        expect(refused.json()).toMatchObject({ error: { code: 'NOT_PERMITTED' } });
      }
      const done = await decide('inv1', 'overturned');
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({
        appeal: { id: appeal!.id, outcome: 'overturned', decidedBy: 'inv1' },
        reversal: 'seller.reinstate',
      });
      const listed = (await get('/v1/appeals', 'legal2')).json<{ items: object[] }>().items;
      expect(listed).toEqual([
        expect.objectContaining({ id: appeal!.id, outcome: 'overturned', decidedBy: 'inv1' }),
      ]);
      const again = await decide('inv2', 'upheld');
      expect(again.statusCode).toBe(400);
      expect(again.json()).toMatchObject({ error: { code: 'INPUT_INVALID' } });

      const r = await wireReadOnly(f.db);
      try {
        const events = await r.store.cases.eventsAbout(['inv1'], []);
        expect(events.map((e) => e.event)).toContainEqual(
          expect.objectContaining({
            actor: 'inv1',
            action: 'x-appeal.decide',
            attrs: expect.objectContaining({
              appeal: appeal!.id,
              outcome: 'overturned',
            }) as unknown,
          }),
        );
      } finally {
        await r.close();
      }
    });

    it('files an appeal by the measure’s subject only, and it is decided like any other', async () => {
      const [decidedOne] = (await get('/v1/appeals', 'inv1')).json<{
        items: { measureEvent: string }[];
      }>().items;
      const measureEvent = decidedOne!.measureEvent;
      const wrong = await post('/v1/appeals', 'inv2', {
        measureEvent,
        appellant: 'gone1',
        grounds: 'not mine',
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json()).toMatchObject({ error: { code: 'INPUT_INVALID' } });
      const filed = await post('/v1/appeals', 'inv2', {
        measureEvent,
        appellant: 's1',
        grounds: 'a second look, please',
      });
      expect(filed.statusCode, filed.body).toBe(201);
      const appeal = filed.json<{ id: string; filedBy: string; eventId: string }>();
      expect(appeal.filedBy).toBe('inv2');
      expect(await eventById(appeal.eventId)).toMatchObject({
        actor: 'inv2',
        action: 'x-appeal.file',
      });
      const upheld = await post(`/v1/appeals/${appeal.id}/decide`, 'inv2', {
        outcome: 'upheld',
        decision: 'the figures stand',
      });
      expect(upheld.statusCode, upheld.body).toBe(200);
      expect(upheld.json<{ reversal?: string }>().reversal).toBeUndefined();
    });

    it('refuses an investigator outside legal (the policies decide) and records the denial', async () => {
      const res = await post(`/v1/cases/${caseId}/actions`, 'inv1', measure);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        error: {
          code: 'DENIED',
          message: expect.stringMatching(/recorded as event w-/) as unknown,
        },
      });
    });
  });

  describe('when the OpenAPI document is read', () => {
    it('describes the cases routes with their response shapes', async () => {
      const doc = (await f.app.inject({ method: 'GET', url: '/docs/json' })).json<{
        paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
      }>();
      const show = JSON.stringify(doc.paths['/v1/cases/{id}']?.['get']?.responses?.['200']);
      expect(show).toContain('lookEvent');
      expect(show).toContain('revealed');
      const act = JSON.stringify(doc.paths['/v1/cases/{id}/actions']?.['post']?.responses);
      expect(act).toContain('approvalId');
      const shapes: [string, string, string][] = [
        ['/v1/alerts', 'get', 'eventTime'],
        ['/v1/risk', 'get', 'indicator'],
        ['/v1/approvals', 'get', 'requestEvent'],
        ['/v1/me', 'get', 'scopes'],
        ['/v1/requests', 'post', 'approvalId'],
        ['/v1/appeals', 'get', 'measureEvent'],
        ['/v1/alerts', 'get', 'escalated'],
        ['/v1/appeals/{id}/decide', 'post', 'reversal'],
        ['/v1/exports', 'post', 'approvalId'],
        ['/v1/cases/{id}/timeline', 'get', 'leafHash'],
      ];
      for (const [path, method, field] of shapes) {
        expect(JSON.stringify(doc.paths[path]?.[method]?.responses?.['200']), path).toContain(
          field,
        );
      }
    });
  });
});
