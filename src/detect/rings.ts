/**
 * Rings as findings: each member gets a `dense-block` reason and an alert naming the whole
 * ring — its employees, its sellers, the sites they work at and the context they share — that
 * cites only that member's own events.
 */
import type { Alert } from '../domain/index.js';
import { formatTime } from '../domain/index.js';
import type { Ring } from './collusion.js';
import type { DirectoryView } from './directory-view.js';
import type { Hit } from './evidence.js';
import type { ContextTies } from './context-ties.js';

/** What membership of a ring adds to each member's risk. */
export const RING_WEIGHT = 8;

export function describeRings(
  rings: readonly Ring[],
  dir: DirectoryView,
  ties: ContextTies,
): { hits: Map<string, Hit[]>; alerts: Alert[] } {
  const hits = new Map<string, Hit[]>();
  const alerts: Alert[] = [];
  rings.forEach((ring, n) => {
    const lastT = Math.max(...[...ring.evidence.values()].map((e) => e.lastT));
    const summary = `one of ${ring.employees.length} employees (${ring.employees.join(', ')}) acting together for ${ring.sellers.join(', ')} without purpose${sites(ring, dir)}${sharedContext(ring, ties)}`;
    for (const id of ring.employees) {
      const ev = ring.evidence.get(id);
      const last = ev?.events[ev.events.length - 1];
      if (!ev || last === undefined) continue;
      const list = hits.get(id) ?? [];
      list.push({
        indicator: 'dense-block',
        employeeId: id,
        eventId: last,
        t: ev.lastT,
        weight: RING_WEIGHT,
        sellerIds: ring.sellers,
      });
      hits.set(id, list);
      alerts.push({
        id: `ring-${n + 1}-${id}`,
        employeeId: id,
        employeeIds: ring.employees,
        detector: 'collusion-ring',
        severity: ring.employees.length >= 3 ? 'high' : 'medium',
        eventTime: formatTime(lastT),
        sellerIds: ring.sellers,
        events: ev.events,
        summary,
      });
    }
  });
  return { hits, alerts };
}

/** "all at Shenzhen", or the split by site. */
function sites(ring: Ring, dir: DirectoryView): string {
  const bySite = new Map<string, number>();
  for (const id of ring.employees) {
    const site = dir.employees.get(id)?.site ?? '?';
    bySite.set(site, (bySite.get(site) ?? 0) + 1);
  }
  if (bySite.size === 1) return `; all at ${[...bySite.keys()][0]!}`;
  return `; sites: ${[...bySite].map(([s, n]) => `${s} ${n}`).join(', ')}`;
}

const PLURAL = { network: 'networks', device: 'devices', session: 'sessions' } as const;

/** Small networks, devices and sessions used by two or more members, with how many. */
function sharedContext(ring: Ring, ties: ContextTies): string {
  const users = new Map<string, { kind: keyof typeof PLURAL; value: string; n: number }>();
  for (const id of ring.employees)
    for (const c of ties.contextsOf(id)) {
      const key = `${c.kind}|${c.value}`;
      if (users.has(key)) continue;
      const n = c.users.filter((u) => ring.employees.includes(u)).length;
      if (n >= 2) users.set(key, { kind: c.kind, value: c.value, n });
    }
  const parts: string[] = [];
  for (const kind of ['network', 'device', 'session'] as const) {
    const list = [...users.values()].filter((u) => u.kind === kind);
    if (list.length > 0)
      parts.push(`; shared ${PLURAL[kind]}: ${list.map((u) => `${u.value} (${u.n})`).join(', ')}`);
  }
  return parts.join('');
}
