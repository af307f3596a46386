import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../ingest/index.js';
import { libraryOf } from './library.js';
import { resolveOptions } from './presets.js';
import { simulate } from './simulate.js';
import { latest, runInMemory } from './test-support.js';

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

  describe.each([1, 2, 3, 4, 5])('when the medium preset runs with seed %i', (seed) => {
    const labels = simulate(resolveOptions({ preset: 'medium', seed, world: 'b' }), {
      write: () => {},
    }).labels;

    it('holds every scenario and look-alike of world B, insiders 1–1.5 % of staff', () => {
      const types = new Set(labels.scenarios.map((s) => s.type));
      for (const t of B_TYPES) expect(types, t).toContain(t);
      expect(labels.world).toBe('b');
      expect(labels.insiders.length).toBeGreaterThanOrEqual(10);
      expect(labels.insiders.length).toBeLessThanOrEqual(15);
      const lookAlikes = labels.scenarios
        .filter((s) => s.kind === 'benign')
        .flatMap((s) => s.employeeIds);
      expect(new Set(lookAlikes).size).toBeGreaterThanOrEqual(10);
    });
  });
});
