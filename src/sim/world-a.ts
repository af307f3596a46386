/** World A: the simulator's first organisation (docs/scenarios.md, section 2). */
import { REGIONS, SITES, TEAMS, type SimEmployee, type WorldSpec } from './world.js';

const LEAD_SPAN = 12;

/** World A: one team per function and site, named for the function; a lead per dozen. */
export const WORLD_A: WorldSpec = {
  name: 'a',
  sites: SITES,
  regions: REGIONS,
  regionWeights: [0.28, 0.1, 0.32, 0.2, 0.1],
  teams: TEAMS,
  startHours: { day: [8, 10], night: [21, 22], followTheSun: [6, 14] },
  organise(world) {
    const groups = new Map<string, SimEmployee[]>();
    for (const e of world.employees) {
      const key = `${e.team}/${e.site.name}`;
      const group = groups.get(key) ?? [];
      group.push(e);
      groups.set(key, group);
    }
    for (const members of groups.values()) appointLeads(members);
  },
  transfer(_world, e, team, role) {
    e.team = team;
    e.role = role;
    e.unit = team;
    e.title = role;
  },
};

/** One lead per dozen people in a team at a site; the others report to one of them. */
function appointLeads(members: SimEmployee[]): void {
  const veterans = members
    .filter((m) => m.leftAt === undefined)
    .sort((a, b) => a.hiredAt - b.hiredAt);
  const leads = veterans.slice(0, Math.max(1, Math.ceil(members.length / LEAD_SPAN)));
  if (members.length < 4) return;
  for (const lead of leads) {
    lead.role = 'team-lead';
    lead.title = 'team-lead';
    lead.shift = 'day';
    lead.startHour = 9;
  }
  let next = 0;
  for (const m of members) {
    if (leads.includes(m)) continue;
    const lead = leads[next++ % leads.length];
    if (lead) m.manager = lead.id;
  }
}
