/**
 * World B: an organisation that shares no vocabulary with world A and is shaped otherwise —
 * six sites by airport code, eight job functions split into numbered teams of their own sizes
 * (`seller-support-hyd-2`), supervisors and group managers under a director per function at
 * another site, more nights and follow-the-sun, engineers on weekend call.
 */
import type { Rng } from './random.js';
import type { Role, Site, SimEmployee, TeamName, TeamSpec, World, WorldSpec } from './world.js';

const SITES_B: readonly Site[] = [
  { name: 'SEA', utcOffset: -7, regions: ['NA'], index: 0, weight: 0.16, geo: 'US-WA' },
  { name: 'GRU', utcOffset: -3, regions: ['LATAM', 'NA'], index: 1, weight: 0.1, geo: 'BR-SP' },
  { name: 'DUB', utcOffset: 1, regions: ['EU'], index: 2, weight: 0.14, geo: 'IE-D' },
  { name: 'KRK', utcOffset: 2, regions: ['EU'], index: 3, weight: 0.14, geo: 'PL-12' },
  {
    name: 'HYD',
    utcOffset: 5.5,
    regions: ['IN', 'EU', 'NA'],
    index: 4,
    weight: 0.26,
    geo: 'IN-TG',
  },
  { name: 'MNL', utcOffset: 8, regions: ['APAC', 'CN'], index: 5, weight: 0.2, geo: 'PH-00' },
];

const TEAMS_B: readonly TeamSpec[] = [
  { team: 'account-management', role: 'account-manager', weight: 0.17, sites: [0, 1, 2, 3, 4, 5] },
  {
    team: 'seller-support',
    role: 'support-agent',
    weight: 0.26,
    sites: [1, 3, 4, 5, 0],
    shifts: [0.45, 0.15, 0.4],
    weekendShare: 0.35,
  },
  {
    team: 'contact-centre',
    role: 'contact-agent',
    weight: 0.13,
    sites: [1, 4, 5],
    shifts: [0.6, 0.25, 0.15],
    weekendShare: 0.3,
  },
  {
    team: 'review-moderation',
    role: 'moderator',
    weight: 0.15,
    sites: [2, 3, 4, 5],
    shifts: [0.55, 0.25, 0.2],
    weekendShare: 0.3,
  },
  { team: 'analytics', role: 'analyst', weight: 0.07, sites: [0, 2, 3] },
  { team: 'legal', role: 'counsel', weight: 0.04, sites: [0, 2] },
  {
    team: 'catalog-ops',
    role: 'catalog-specialist',
    weight: 0.1,
    sites: [3, 4, 5],
    shifts: [0.8, 0.2, 0],
    weekendShare: 0.1,
  },
  { team: 'engineering', role: 'engineer', weight: 0.08, sites: [0, 2, 3], weekendShare: 0.25 },
];

/** Per function: the directory's team prefix, team sizes, and what its leads are called. */
const UNITS: Record<TeamName, { prefix: string; size: [number, number]; lead: string }> = {
  'account-management': { prefix: 'partner-accounts', size: [6, 14], lead: 'group-manager' },
  'seller-support': { prefix: 'seller-support', size: [10, 24], lead: 'supervisor' },
  'contact-centre': { prefix: 'contact-centre', size: [14, 30], lead: 'supervisor' },
  'review-moderation': { prefix: 'review-ops', size: [8, 20], lead: 'supervisor' },
  analytics: { prefix: 'analytics', size: [3, 8], lead: 'group-manager' },
  legal: { prefix: 'legal', size: [2, 6], lead: 'group-manager' },
  'catalog-ops': { prefix: 'catalog-ops', size: [6, 16], lead: 'supervisor' },
  engineering: { prefix: 'platform-eng', size: [4, 9], lead: 'group-manager' },
};

const TITLES: Record<Exclude<Role, 'team-lead'>, string> = {
  'account-manager': 'partner-manager',
  'support-agent': 'support-specialist',
  'contact-agent': 'contact-centre-agent',
  moderator: 'review-moderator',
  analyst: 'data-analyst',
  counsel: 'legal-counsel',
  'catalog-specialist': 'catalog-specialist',
  engineer: 'engineer',
};

/** The director of every function: the head the leads report to, wherever they sit. */
const HEAD_TITLE = 'director';

interface Unit {
  readonly name: string;
  readonly members: SimEmployee[];
}

export const WORLD_B: WorldSpec = {
  name: 'b',
  sites: SITES_B,
  regions: ['NA', 'LATAM', 'EU', 'IN', 'APAC', 'CN'],
  regionWeights: [0.3, 0.08, 0.22, 0.12, 0.12, 0.16],
  teams: TEAMS_B,
  startHours: { day: [7, 11], night: [19, 23], followTheSun: [5, 13, 21] },
  organise(world, rng) {
    for (const t of TEAMS_B) organiseFunction(world, rng, t);
  },
  transfer(world, e, team, role) {
    const mate =
      world.employees.find((x) => x.team === team && x.role === role && x.site === e.site) ??
      world.employees.find((x) => x.team === team && x.role === role);
    e.team = team;
    e.role = role;
    e.title = titleOf(role);
    if (mate) {
      e.unit = mate.unit;
      if (mate.manager === undefined) delete e.manager;
      else e.manager = mate.manager;
    }
  },
};

function titleOf(role: Role): string {
  return role === 'team-lead' ? 'supervisor' : TITLES[role];
}

/** Numbered teams per site; a remainder too small for a team joins one at another site. */
function organiseFunction(world: World, rng: Rng, t: TeamSpec): void {
  const u = UNITS[t.team];
  const units: Unit[] = [];
  for (const site of t.sites) {
    const members = world.employees.filter((e) => e.team === t.team && e.site.index === site);
    const code = SITES_B[site]!.name.toLowerCase();
    let n = 1;
    for (let i = 0; i < members.length;) {
      const chunk = members.slice(i, (i += rng.int(u.size[0], u.size[1])));
      if (chunk.length < Math.max(3, u.size[0] / 2) && units.length > 0)
        rng.pick(units).members.push(...chunk);
      else units.push({ name: `${u.prefix}-${code}-${n++}`, members: chunk });
    }
  }
  const leads: SimEmployee[] = [];
  for (const unit of units) {
    for (const m of unit.members) {
      m.unit = unit.name;
      m.title = TITLES[t.role as Exclude<Role, 'team-lead'>];
    }
    const lead = unit.members.length >= 3 ? senior(world, unit.members) : undefined;
    if (!lead) continue;
    lead.role = 'team-lead';
    lead.title = u.lead;
    lead.shift = 'day';
    lead.startHour = 9;
    leads.push(lead);
    for (const m of unit.members) if (m !== lead) m.manager = lead.id;
  }
  const head = senior(world, leads);
  if (!head) return;
  head.title = HEAD_TITLE;
  for (const unit of units)
    for (const m of unit.members)
      if (m !== head && (m.role === 'team-lead' || m.manager === undefined)) m.manager = head.id;
}

/** The longest-serving member who is neither new nor leaving. */
function senior(world: World, members: readonly SimEmployee[]): SimEmployee | undefined {
  return members
    .filter((m) => m.leftAt === undefined && m.hiredAt < world.startMs)
    .sort((a, b) => a.hiredAt - b.hiredAt || a.index - b.index)[0];
}
