/** Interchange records of the simulated directory (shared spec `interchange.md`). */
import { iso, type SimEmployee, type World } from './world.js';

export function employeeRecord(e: SimEmployee): Record<string, unknown> {
  const r: Record<string, unknown> = {
    kind: 'employee',
    id: e.id,
    team: e.unit,
    role: e.title,
    site: e.site.name,
    name: e.name,
    hiredAt: iso(e.hiredAt),
    shift: e.shift,
  };
  if (e.manager !== undefined) r['manager'] = e.manager;
  if (e.leftAt !== undefined) r['leftAt'] = iso(e.leftAt);
  return r;
}

export function sellerRecord(world: World, index: number): Record<string, unknown> {
  const s = world.sellers[index]!;
  return {
    kind: 'seller',
    id: s.id,
    category: s.category,
    region: s.region,
    name: `Seller ${s.id.slice(2)}`,
  };
}

export function assignmentRecord(
  e: SimEmployee,
  sellerId: string,
  from: number,
  to?: number,
): Record<string, unknown> {
  const r: Record<string, unknown> = {
    kind: 'assignment',
    employeeId: e.id,
    sellerId,
    from: iso(from),
  };
  if (to !== undefined) r['to'] = iso(to);
  return r;
}
