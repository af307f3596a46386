import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../ingest/index.js';
import { libraryOf } from './library.js';
import { resolveOptions } from './presets.js';
import { simulate } from './simulate.js';
import { eventsOf, latest, runInMemory } from './test-support.js';

function digest(preset: 'small' | 'medium', seed: number, world: string): string {
  const hash = createHash('sha256');
  const sim = simulate(resolveOptions({ preset, seed, world }), {
    write: (file, lines) => {
      hash.update(file);
      for (const l of lines) hash.update(`${l}\n`);
    },
  });
  hash.update(JSON.stringify(sim.labels));
  return hash.digest('hex');
}

/** The directory's employee records of a run, every version of each. */
function staffRecords(run: ReturnType<typeof runInMemory>): Record<string, unknown>[] {
  return run.records.filter((r) => r['kind'] === 'employee');
}

const B_TYPES = [...libraryOf('b').abuse, ...libraryOf('b').benign, ...libraryOf('b').shared].map(
  (d) => d.type,
);

/**
 * World A small, seed 1, as written before worlds existed (stream, manifest and labels). Results
 * measured on world A stay comparable only while this holds: change it only on purpose, and say so.
 */
const WORLD_A_SMALL_1 = 'ca7be691cb2066feafccb2fa6faa632e16c9335ae78730cf21d573be5e9a2113';

describe('world A', () => {
  it('writes the bytes it wrote before world B existed (small, seed 1)', () => {
    const hash = createHash('sha256');
    const sim = simulate(resolveOptions({ preset: 'small', seed: 1 }), {
      write: (file, lines) => {
        hash.update(file);
        for (const l of lines) hash.update(`${l}\n`);
      },
    });
    hash.update(JSON.stringify(sim.manifest));
    hash.update(JSON.stringify(sim.labels));
    expect(hash.digest('hex')).toBe(WORLD_A_SMALL_1);
  });
});

describe('world B', () => {
  describe('when run twice with one seed', () => {
    it('writes the same bytes, another seed or world A others', () => {
      const b = digest('small', 7, 'b');
      expect(digest('small', 7, 'b')).toBe(b);
      expect(digest('small', 8, 'b')).not.toBe(b);
      expect(digest('small', 7, 'a')).not.toBe(b);
    });
  });

  describe('when its directory is read beside world A’s', () => {
    const a = runInMemory('small', 3, { employees: 400 });
    const b = runInMemory('small', 3, { employees: 400, world: 'b' });

    it('shares no team, role or site name with world A', () => {
      const vocabulary = (run: typeof a): Set<string> =>
        new Set(
          staffRecords(run).flatMap((e) => [
            String(e['team']),
            String(e['role']),
            String(e['site']),
          ]),
        );
      const inA = vocabulary(a);
      const inB = vocabulary(b);
      expect(inA.size).toBeGreaterThan(8);
      expect([...inB].filter((w) => inA.has(w))).toEqual([]);
    });

    it('has other sites, several numbered teams per function, and reporting lines across sites', () => {
      const staff = [...latest(b, 'employee').values()];
      const sites = new Set(staff.map((e) => e['site']));
      expect(sites.size).toBe(6);
      const teams = new Set(staff.map((e) => String(e['team'])));
      const functions = new Set([...teams].map((t) => t.replace(/-[a-z]{3}-\d+$/, '')));
      expect(teams.size).toBeGreaterThan(2 * functions.size);
      expect(new Set(staff.map((e) => e['role'])).size).toBeGreaterThanOrEqual(10);
      const byId = new Map(staff.map((e) => [e['id'], e]));
      const crossSite = staff.filter(
        (e) => e['manager'] !== undefined && byId.get(e['manager'])!['site'] !== e['site'],
      );
      expect(crossSite.length).toBeGreaterThan(5);
    });

    it('writes only valid interchange records', () => {
      const bad = [...b.files.values()]
        .flat()
        .map((l) => parseRecord(l))
        .filter((p) => !p.ok);
      expect(bad).toEqual([]);
    });
  });

  it.each([1, 2, 3, 4, 5])(
    'holds, on medium seed %i, every scenario and look-alike of world B, insiders 1–1.5 % of staff, each acting 4 times or more',
    (seed) => {
      const actor = new Map<string, string>();
      const labels = simulate(resolveOptions({ preset: 'medium', seed, world: 'b' }), {
        write: (_file, lines) => {
          for (const l of lines)
            if (l.startsWith('{"v":1,"kind":"event"')) {
              const e = JSON.parse(l) as { id: string; actor: string };
              actor.set(e.id, e.actor);
            }
        },
      }).labels;
      for (const s of labels.scenarios.filter((x) => x.kind === 'abuse'))
        for (const e of s.employeeIds)
          expect(
            s.eventIds.filter((id) => actor.get(id) === e).length,
            `${s.id} ${e}`,
          ).toBeGreaterThanOrEqual(4);
      const types = new Set(labels.scenarios.map((s) => s.type));
      for (const t of B_TYPES) expect(types, t).toContain(t);
      expect(labels.world).toBe('b');
      expect(labels.insiders.length).toBeGreaterThanOrEqual(10);
      expect(labels.insiders.length).toBeLessThanOrEqual(15);
      const lookAlikes = labels.scenarios
        .filter((s) => s.kind === 'benign')
        .flatMap((s) => s.employeeIds);
      expect(new Set(lookAlikes).size).toBeGreaterThanOrEqual(10);
    },
    120_000,
  );
});

describe('world B at the large preset', () => {
  it('holds every scenario and look-alike, insiders 1–1.5 % of staff', () => {
    const labels = simulate(resolveOptions({ preset: 'large', seed: 3, world: 'b' }), {
      write: () => {},
    }).labels;
    const types = new Set(labels.scenarios.map((s) => s.type));
    for (const t of B_TYPES) expect(types, t).toContain(t);
    expect(labels.insiders.length).toBeGreaterThanOrEqual(29);
    expect(labels.insiders.length).toBeLessThanOrEqual(46);
  }, 300_000);
});

describe('world B’s scenarios, read from the stream (400 staff, 21 days, seed 11)', () => {
  const run = runInMemory('medium', 11, { employees: 400, days: 21, world: 'b' });
  const labels = run.sim.labels;
  const events = new Map(eventsOf(run).map((e) => [e.id, e]));
  const tickets = latest(run, 'ticket');
  const staff = latest(run, 'employee');
  const reviews = latest(run, 'review');
  const products = latest(run, 'product');
  const sellers = latest(run, 'seller');
  const of = (type: string) => labels.scenarios.filter((s) => s.type === type);
  const tagged = (id: string) => events.get(id)!;
  const assignments = run.records.filter((r) => r['kind'] === 'assignment');
  const sellerOfReview = (id: string): string =>
    String(products.get(String(reviews.get(id)!['productId']))!['sellerId']);

  it('has every insider act at least 4 times, and every labelled event acted by the label’s people', () => {
    for (const t of B_TYPES) expect(of(t).length, t).toBeGreaterThan(0);
    for (const s of labels.scenarios) {
      const actors = s.eventIds.map((id) => tagged(id).actor);
      for (const a of actors) expect(s.employeeIds, s.id).toContain(a);
      if (s.kind === 'abuse')
        for (const e of s.employeeIds)
          expect(actors.filter((a) => a === e).length, `${s.id} ${e}`).toBeGreaterThanOrEqual(4);
    }
  });

  it('has the metrics broker visit sellers of their own book’s main category, outside the book', () => {
    const [broker] = of('metrics-broker');
    const actor = broker!.employeeIds[0]!;
    const book = new Set(
      assignments.filter((a) => a['employeeId'] === actor).map((a) => String(a['sellerId'])),
    );
    const categories = [...book].map((s) => String(sellers.get(s)!['category']));
    const main = [...new Set(categories)].sort(
      (a, b) =>
        categories.filter((c) => c === b).length - categories.filter((c) => c === a).length ||
        a.localeCompare(b),
    )[0];
    expect(broker!.sellerIds.length).toBeGreaterThan(0);
    for (const s of broker!.sellerIds) {
      expect(book.has(s)).toBe(false);
      expect(sellers.get(s)!['category']).toBe(main);
    }
  });

  it('mixes three roles or more in a ring', () => {
    for (const s of of('collusion-ring')) {
      const roles = new Set(s.employeeIds.map((e) => staff.get(e)!['role']));
      expect(roles.size, s.id).toBeGreaterThanOrEqual(3);
    }
  });

  it('harvests under dispute tickets the client seller opened, and deletes under audit tickets', () => {
    for (const s of of('email-harvest'))
      for (const id of s.eventIds) {
        const ticket = tickets.get(tagged(id).ticket!)!;
        expect(ticket['openedBy']).toBe('seller');
        expect(ticket['topic']).toBe('review-dispute');
        expect(s.sellerIds).toContain(ticket['sellerId']);
      }
    for (const s of of('deletion-for-hire')) {
      const deletions = s.eventIds.map(tagged).filter((e) => e.action === 'review.delete');
      expect(deletions.length).toBeGreaterThanOrEqual(2);
      for (const e of deletions) {
        expect(tickets.get(e.ticket!)!['topic']).toBe('quality-audit');
        expect(Number(reviews.get(e.target.id)!['rating'])).toBeLessThanOrEqual(2);
        expect(s.sellerIds).toContain(sellerOfReview(e.target.id));
      }
    }
  });

  it('has contact-centre agents open most of their tickets themselves, the self-cover insider among them', () => {
    const agents = new Set(
      [...staff.values()]
        .filter((e) => e['role'] === 'contact-centre-agent')
        .map((e) => String(e['id'])),
    );
    const theirs = [...tickets.values()].filter((t) => agents.has(String(t['assigneeId'])));
    const self = theirs.filter((t) => t['openedBy'] === t['assigneeId']);
    expect(self.length / theirs.length).toBeGreaterThan(0.7);
    for (const s of of('self-cover-tickets'))
      for (const id of s.eventIds) {
        const e = tagged(id);
        expect(agents.has(e.actor)).toBe(true);
        expect(tickets.get(e.ticket!)!['openedBy']).toBe(e.actor);
      }
  });

  it('gives the look-alikes their reasons: system recall tickets, legal holds, own books, assignments', () => {
    for (const s of of('recall-programme'))
      for (const id of s.eventIds) {
        const ticket = tickets.get(tagged(id).ticket!)!;
        expect([ticket['openedBy'], ticket['topic']]).toEqual(['system', 'product-safety-recall']);
        const e = tagged(id);
        if (e.target.type === 'seller')
          expect([
            ticket['sellerId'],
            ...((ticket['relatedSellerIds'] as string[]) ?? []),
          ]).toContain(e.target.id);
      }
    for (const s of of('ediscovery-export')) {
      const exports = s.eventIds.map(tagged).filter((e) => e.action === 'data.export');
      expect(exports.length).toBeGreaterThan(0);
      for (const e of exports) {
        expect(tickets.get(e.ticket!)!['topic']).toBe('legal-hold');
        expect((e.attrs!['fields'] as string[]).some((f) => f.includes('.'))).toBe(true);
      }
    }
    for (const s of of('departing-handover')) {
      const leaver = s.eventIds.map(tagged)[0]!.actor;
      const leftAt = String(staff.get(leaver)!['leftAt']);
      const book = new Set(
        assignments.filter((a) => a['employeeId'] === leaver).map((a) => String(a['sellerId'])),
      );
      for (const e of s.eventIds.map(tagged)) {
        expect(e.time < leftAt).toBe(true);
        if (e.target.type === 'seller') expect(book.has(e.target.id)).toBe(true);
        else if (e.target.id === 'seller-contacts')
          expect(Number(e.attrs!['rows'])).toBeLessThanOrEqual(3 * book.size);
        else expect((e.attrs!['fields'] as string[]).some((f) => f.includes('.'))).toBe(false);
      }
    }
    for (const s of of('qa-sampling'))
      for (const e of s.eventIds.map(tagged)) {
        const ticket = tickets.get(e.ticket!)!;
        expect(ticket['sellerId']).toBe(e.target.id);
        expect(String(ticket['closedAt']) < e.time).toBe(true);
      }
    for (const s of [...of('leave-cover'), ...of('follow-the-sun')])
      for (const e of s.eventIds.map(tagged)) {
        if (e.ticket !== undefined) {
          expect(tickets.get(e.ticket)!['sellerId']).toBe(e.target.id);
          expect(tickets.get(e.ticket)!['assigneeId']).not.toBe(e.actor);
        } else
          expect(
            assignments.some(
              (a) =>
                a['employeeId'] === e.actor &&
                a['sellerId'] === e.target.id &&
                String(a['from']) <= e.time &&
                (a['to'] === undefined || e.time < (a['to'] as string)),
            ),
          ).toBe(true);
      }
  });
});

describe('world B’s quality sampling, across a team transfer (medium, seed 10)', () => {
  it('has supervisors sample only tickets of the people reporting to them at the time', () => {
    // Seed 10 moves one of a sampling supervisor's people to another team mid-month: the
    // supervisor must stop sampling their tickets from then on.
    const run = runInMemory('medium', 10, { world: 'b' });
    const sampled = new Set(
      run.sim.labels.scenarios.filter((s) => s.type === 'qa-sampling').flatMap((s) => s.eventIds),
    );
    const manager = new Map<string, unknown>();
    const assignee = new Map<string, unknown>();
    let checked = 0;
    for (const r of run.records) {
      if (r['kind'] === 'employee') manager.set(String(r['id']), r['manager']);
      else if (r['kind'] === 'ticket' && !assignee.has(String(r['id'])))
        assignee.set(String(r['id']), r['assigneeId']);
      else if (r['kind'] === 'event' && sampled.has(String(r['id']))) {
        const who = assignee.get(String(r['ticket']));
        expect(manager.get(String(who)), `${String(r['id'])} by ${String(r['actor'])}`).toBe(
          r['actor'],
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  }, 60_000);
});
