import { describe, expect, it } from 'vitest';
import { pivot } from './render.js';

interface Row {
  site: string;
  team: string;
  employees: number;
}

const dims = [
  { name: 'site', of: (r: Row) => r.site },
  { name: 'team', of: (r: Row) => r.team },
] as const;

// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');
const lines = (s: string): string[] => plain(s).split('\n');
const cellsOf = (line: string): string[] =>
  line
    .split('│')
    .slice(1, -1)
    .map((c) => c.trim());
/** The table's rows as label → cells (numbers without separators). */
function rowsOf(s: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  // the top border, then the header
  for (const line of lines(s).slice(2)) {
    const cells = cellsOf(line);
    if (cells.length < 2) continue;
    out.set(
      cells[0]!,
      cells.slice(1).map((c) => Number(c.replace(/,/g, ''))),
    );
  }
  return out;
}

/** `sites` sites, each with `teams` teams of their own, team t of site s having s + t + 1. */
function org(sites: number, teams: number): Row[] {
  const rows: Row[] = [];
  for (let s = 0; s < sites; s++)
    for (let t = 0; t < teams; t++)
      rows.push({ site: `site-${s}`, team: `team-${s}-${t}`, employees: s + t + 1 });
  return rows;
}

describe('pivot', () => {
  describe('when both dimensions fit', () => {
    it('shows every value, the longer dimension down the side, in name order, with totals', () => {
      const items: Row[] = [
        { site: 'Dublin', team: 'legal', employees: 3 },
        { site: 'Dublin', team: 'analytics', employees: 2 },
        { site: 'Seattle', team: 'legal', employees: 4 },
        { site: 'Seattle', team: 'support', employees: 5 },
        { site: 'Seattle', team: 'analytics', employees: 1 },
      ];
      const out = pivot(items, dims, (r) => r.employees);
      expect(cellsOf(lines(out)[1]!)).toEqual(['team \\ site', 'Dublin', 'Seattle', 'total']);
      expect([...rowsOf(out)]).toEqual([
        ['analytics', [2, 1, 3]],
        ['legal', [3, 4, 7]],
        ['support', [0, 5, 5]],
      ]);
    });
  });

  describe('when an organisation has hundreds of teams', () => {
    const items = org(6, 50); // 300 teams
    const out = pivot(items, dims, (r) => r.employees);

    it('stays narrow: sites across, teams down', () => {
      expect(Math.max(...lines(out).map((l) => l.length))).toBeLessThan(120);
      expect(cellsOf(lines(out)[1]!).slice(1, -1)).toEqual(
        [0, 1, 2, 3, 4, 5].map((s) => `site-${s}`),
      );
    });

    it('shows the largest teams, folds the rest into one row, and loses nobody', () => {
      const rows = rowsOf(out);
      expect(rows.size).toBe(29 + 1 + 1); // 29 teams, the folded row, the total
      // the largest team is site 5's last (5 + 49 + 1), shown first
      expect([...rows.keys()][0]).toBe('team-5-49');
      expect(rows.get('… 271 more teams')).toBeDefined();
      const all = items.reduce((n, r) => n + r.employees, 0);
      expect(rows.get('total')!.at(-1)).toBe(all);
      const shownTeams = [...rows].filter(([k]) => k.startsWith('team-'));
      const sum = shownTeams.reduce((n, [, cs]) => n + cs.at(-1)!, 0);
      expect(sum + rows.get('… 271 more teams')!.at(-1)!).toBe(all);
      // each shown team's count is in its own site's column
      expect(rows.get('team-5-49')).toEqual([0, 0, 0, 0, 0, 55, 55]);
    });
  });

  describe('when both dimensions are long', () => {
    it('folds the smallest columns into one as well, keeping every total', () => {
      const items: Row[] = [];
      for (let s = 0; s < 40; s++)
        for (let t = 0; t < 50; t++)
          items.push({ site: `site-${s}`, team: `team-${t}`, employees: s + 1 });
      const out = pivot(items, dims, (r) => r.employees);
      const head = cellsOf(lines(out)[1]!);
      expect(head.length).toBe(1 + 7 + 1 + 1);
      expect(head.at(-2)).toBe('33 other sites');
      expect(head[1]).toBe('site-39');
      const total = rowsOf(out).get('total')!;
      expect(total.at(-1)).toBe(50 * ((40 * 41) / 2));
      expect(total.slice(0, -1).reduce((x, y) => x + y, 0)).toBe(total.at(-1));
    });
  });
});
