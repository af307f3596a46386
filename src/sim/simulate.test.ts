import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../ingest/index.js';
import type { Labels } from './labels.js';
import { libraryOf } from './library.js';
import { resolveOptions } from './presets.js';
import { simulate } from './simulate.js';
import { eventsOf, latest, runInMemory, type MemoryRun } from './test-support.js';
import { ROLE_DAILY_VOLUMES } from './workflows.js';

/** The fields these tests read, of any record. */
interface Rec {
  kind: string;
  id?: string;
  actor?: string;
  target?: { type: string; id: string };
  ticket?: string;
  reviewId?: string;
  productId?: string;
  reviewerId?: string;
  employeeId?: string;
  sellerId?: string;
  createdAt?: string;
  reportedAt?: string;
  openedAt?: string;
}

function digest(preset: 'small' | 'medium', seed: number): string {
  const hash = createHash('sha256');
  simulate(resolveOptions({ preset, seed }), {
    write: (file, lines) => {
      hash.update(file);
      for (const l of lines) hash.update(`${l}\n`);
    },
  });
  return hash.digest('hex');
}

describe('simulate', () => {
  describe('when run twice with one seed', () => {
    it('writes the same bytes, and another seed writes others', () => {
      expect(digest('small', 5)).toBe(digest('small', 5));
      expect(digest('small', 6)).not.toBe(digest('small', 5));
    });
  });

  describe.each([2, 4])('when its output (small, seed %i) is read as interchange v1', (seed) => {
    const run = runInMemory('small', seed);

    it('writes only valid records', () => {
      const bad = [...run.files.values()]
        .flat()
        .map((l) => parseRecord(l))
        .filter((p) => !p.ok);
      expect(bad).toEqual([]);
      expect(run.sim.manifest.counts['event']).toBeGreaterThan(5_000);
    });

    it('names only directory records it has already written, in this file or an earlier one', () => {
      const known = new Set<string>();
      const missing: string[] = [];
      const need = (kind: string, id: string | undefined): void => {
        if (id !== undefined && !known.has(`${kind}:${id}`)) missing.push(`${kind}:${id}`);
      };
      for (const lines of run.files.values()) {
        const records = lines.map((l) => JSON.parse(l) as Rec);
        for (const r of records) if (r.kind !== 'event') known.add(`${r.kind}:${r.id ?? ''}`);
        for (const r of records) {
          if (r.kind === 'event') {
            need('employee', r.actor);
            if (r.target!.type !== 'dataset') need(r.target!.type, r.target!.id);
            need('ticket', r.ticket);
          }
          if (r.kind === 'report' || r.kind === 'ticket') need('review', r.reviewId);
          if (r.kind === 'review') need('product', r.productId);
          if (r.kind === 'review') need('reviewer', r.reviewerId);
          if (r.kind === 'assignment') need('employee', r.employeeId);
          if (r.kind === 'assignment' || r.kind === 'product') need('seller', r.sellerId);
        }
      }
      expect(missing.slice(0, 5)).toEqual([]);
    });

    it('never reports or removes a review before it was written, nor opens a ticket about one', () => {
      const created = new Map<string, string>();
      const early: string[] = [];
      for (const r of run.records as unknown as Rec[]) {
        if (r.kind === 'review') created.set(r.id!, r.createdAt!);
        const at =
          r.kind === 'report' ? r.reportedAt : r.kind === 'ticket' ? r.openedAt : undefined;
        if (at !== undefined && r.reviewId !== undefined && at < (created.get(r.reviewId) ?? ''))
          early.push(r.id!);
      }
      expect(early.slice(0, 5)).toEqual([]);
    });

    it('keeps events in time order within each day file and inside the run', () => {
      const { from, to } = run.sim.manifest;
      for (const lines of run.files.values()) {
        const times = lines
          .map((l) => JSON.parse(l) as { kind: string; time?: string })
          .filter((r) => r.kind === 'event')
          .map((r) => r.time!);
        expect([...times].sort()).toEqual(times);
      }
      const events = eventsOf(run);
      expect(events[0]!.time >= new Date(Date.parse(from) - 86_400_000).toISOString()).toBe(true);
      expect(events.at(-1)!.time <= new Date(Date.parse(to) + 86_400_000).toISOString()).toBe(true);
    });
  });

  describe('when staff work', () => {
    const run = runInMemory('medium', 11, { employees: 400, days: 21 });

    it('keeps each role’s events per worked shift inside the documented band (10th–90th percentile)', () => {
      const roles = new Map(
        [...latest(run, 'employee').values()].map((e) => [String(e['id']), String(e['role'])]),
      );
      const insiders = new Set(run.sim.labels.insiders);
      const perShift = new Map<string, number[]>();
      const open = new Map<string, { last: number; count: number }>();
      const close = (actor: string, count: number): void => {
        const role = roles.get(actor)!;
        perShift.set(role, [...(perShift.get(role) ?? []), count]);
      };
      for (const e of eventsOf(run)) {
        if (insiders.has(e.actor)) continue;
        const t = Date.parse(e.time);
        const s = open.get(e.actor);
        // A shift: the actor's events with no gap of six hours or more.
        if (s && t - s.last < 6 * 3_600_000) {
          s.last = t;
          s.count++;
        } else {
          if (s) close(e.actor, s.count);
          open.set(e.actor, { last: t, count: 1 });
        }
      }
      for (const [actor, s] of open) close(actor, s.count);
      for (const [role, [lo, hi]] of Object.entries(ROLE_DAILY_VOLUMES)) {
        const counts = (perShift.get(role) ?? []).sort((a, b) => a - b);
        expect(counts.length, role).toBeGreaterThan(20);
        const p10 = counts[Math.floor(counts.length * 0.1)]!;
        const p90 = counts[Math.floor(counts.length * 0.9)]!;
        expect(p10, `${role} p10`).toBeGreaterThanOrEqual(lo);
        expect(p90, `${role} p90`).toBeLessThanOrEqual(hi);
      }
    });

    it('gives ratings the J shape: 5 stars most, then 1, 3 stars rare', () => {
      const counts = [0, 0, 0, 0, 0, 0];
      for (const r of latest(run, 'review').values()) counts[Number(r['rating'])]!++;
      expect(counts[5]!).toBeGreaterThan(counts[1]!);
      expect(counts[1]!).toBeGreaterThan(counts[3]!);
      expect(counts[1]!).toBeGreaterThan(counts[2]!);
    });

    it('works nights where the shift says so, and little at weekends', () => {
      const events = eventsOf(run).filter((e) => e.action === 'login');
      const weekend = events.filter((e) => [0, 6].includes(new Date(e.time).getUTCDay())).length;
      expect(weekend / events.length).toBeLessThan(0.2);
      const nights = [...latest(run, 'employee').values()]
        .filter((e) => e['shift'] === 'night' && e['site'] === 'Dublin')
        .map((e) => e['id']);
      const nightLogins = events.filter((e) => nights.includes(e.actor));
      const hours = nightLogins.map((e) => new Date(Date.parse(e.time) + 3_600_000).getUTCHours()); // Dublin: UTC+1
      expect(
        hours.filter((h) => h >= 20 || h < 6).length / Math.max(1, hours.length),
      ).toBeGreaterThan(0.8);
    });
  });
});

const WORLD_A_TYPES = [
  ...libraryOf('a').abuse,
  ...libraryOf('a').benign,
  ...libraryOf('a').shared,
].map((d) => d.type);

/** Every scenario type present, each label true to the stream. */
function checkLibrary(run: MemoryRun, labels: Labels): void {
  const types = new Set(labels.scenarios.map((s) => s.type));
  for (const t of WORLD_A_TYPES) expect(types, t).toContain(t);
  const staff = run.sim.manifest.employees;
  expect(labels.insiders.length / staff).toBeGreaterThanOrEqual(0.0095);
  expect(labels.insiders.length / staff).toBeLessThanOrEqual(0.0155);
  const events = new Map(eventsOf(run).map((e) => [e.id, e]));
  for (const s of labels.scenarios) {
    if (s.kind === 'abuse') expect(s.eventIds.length, s.id).toBeGreaterThan(0);
    for (const id of s.eventIds) {
      const e = events.get(id);
      expect(e, `${s.id} ${id}`).toBeDefined();
      expect(s.employeeIds).toContain(e!.actor);
    }
  }
  const abuse = labels.scenarios.filter((s) => s.kind === 'abuse').flatMap((s) => s.employeeIds);
  expect(labels.insiders).toEqual([...new Set(abuse)].sort());
  const benign = labels.scenarios.filter((s) => s.kind === 'benign').flatMap((s) => s.employeeIds);
  expect(benign.filter((e) => labels.insiders.includes(e))).toEqual([]);
}

describe('the scenario library', () => {
  describe.each([1, 2])('when the medium preset runs with seed %i', (seed) => {
    const run = runInMemory('medium', seed);
    const labels = run.sim.labels;
    const events = new Map(eventsOf(run).map((e) => [e.id, e]));
    const reviews = latest(run, 'review');
    const tickets = latest(run, 'ticket');
    const of = (type: string) => labels.scenarios.filter((s) => s.type === type);

    it('holds every scenario and look-alike, insiders 1–1.5 % of staff, labels true to the stream', () => {
      checkLibrary(run, labels);
    });

    it('deletes for hire only negative reviews of the scenario’s sellers', () => {
      const products = latest(run, 'product');
      for (const s of of('deletion-for-hire')) {
        const deleted = s.eventIds
          .map((id) => events.get(id)!)
          .filter((e) => e.action === 'review.delete');
        expect(deleted.length).toBeGreaterThan(0);
        for (const e of deleted) {
          const review = reviews.get(e.target.id)!;
          expect(Number(review['rating'])).toBeLessThanOrEqual(2);
          expect(s.sellerIds).toContain(products.get(String(review['productId']))!['sellerId']);
        }
      }
    });

    it('has self-cover insiders cite tickets they opened themselves, and cover insiders tickets about other sellers', () => {
      for (const s of of('self-cover-tickets'))
        for (const id of s.eventIds) {
          const e = events.get(id)!;
          expect(tickets.get(e.ticket!)!['openedBy']).toBe(e.actor);
        }
      for (const s of of('unrelated-ticket-cover'))
        for (const id of s.eventIds) {
          const e = events.get(id)!;
          expect(tickets.get(e.ticket!)!['sellerId']).not.toBe(e.target.id);
        }
    });

    it('has departing insiders export personal fields before their leaving date', () => {
      const staff = latest(run, 'employee');
      for (const s of of('departing-exfiltration')) {
        const leftAt = String(staff.get(s.employeeIds[0]!)!['leftAt']);
        for (const id of s.eventIds) {
          const e = events.get(id)!;
          expect(e.time < leftAt).toBe(true);
          expect(
            (e.attrs!['fields'] as string[]).some(
              (f) => f.includes('email') || f.includes('name') || f.includes('phone'),
            ),
          ).toBe(true);
        }
      }
    });

    it('runs the recall look-alike under recall tickets, contacting reviewers of every rating', () => {
      for (const s of of('product-recall')) {
        const lookups = s.eventIds
          .map((id) => events.get(id)!)
          .filter((e) => e.action === 'reviewer.contact.view');
        expect(lookups.length).toBeGreaterThanOrEqual(10);
        for (const e of lookups)
          expect(tickets.get(e.ticket!)!['topic']).toBe('product-safety-recall');
      }
    });
  });

  it('holds the whole library in the large preset too', () => {
    const labels = simulate(resolveOptions({ preset: 'large', seed: 3 }), {
      write: () => {},
    }).labels;
    const types = new Set(labels.scenarios.map((s) => s.type));
    for (const t of WORLD_A_TYPES) expect(types, t).toContain(t);
    expect(labels.insiders.length).toBeGreaterThanOrEqual(29);
    expect(labels.insiders.length).toBeLessThanOrEqual(46);
  }, 300_000); // a 3,000-staff month: over a minute on a busy machine
});
