import { newEnforcer, newModelFromString, StringAdapter, type Enforcer } from 'casbin';
import type { DecisionRequest, EmployeeFacts, TicketFacts } from '../src/guard/index.js';
import type { Workload } from './guard-workload.js';

// --- casbin: "an employee may view a seller's metrics if assigned to it or holding an open
// ticket naming it (not opened for themselves)", the rule of policies/sellers.cedar ---

const ABAC_MODEL = `
[request_definition]
r = sub, obj, act, tkt

[policy_definition]
p = act

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.act == p.act && r.sub.active && (includes(r.sub.assignedSellers, r.obj) || (r.tkt.open && !r.tkt.selfOpened && includes(r.tkt.holders, r.sub.id) && includes(r.tkt.sellers, r.obj)))
`;

const RELATIONS_MODEL = `
[request_definition]
r = sub, obj, act, tkt

[policy_definition]
p = act

[role_definition]
g = _, _
g2 = _, _
g3 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.act == p.act && (g(r.sub, r.obj) || (g3(r.sub, r.tkt) && g2(r.tkt, r.obj)))
`;

export const NO_TICKET: TicketFacts = {
  id: '',
  open: false,
  holders: [],
  sellers: [],
  reviews: [],
  reviewers: [],
  legal: false,
  selfOpened: false,
};

/** ABAC: the request carries the same facts the guard passes to Cedar (unsliced). */
export async function casbinAbac(): Promise<Enforcer> {
  const enforcer = await newEnforcer(
    newModelFromString(ABAC_MODEL),
    new StringAdapter('p, seller.metrics.view'),
  );
  await enforcer.addFunction('includes', (xs: unknown, x: unknown) =>
    Array.isArray(xs) ? xs.includes(x) : false,
  );
  return enforcer;
}

export function abacArgs(r: DecisionRequest): [EmployeeFacts, string, string, TicketFacts] {
  if (r.resource.type !== 'Seller') throw new Error('guard bench: casbin takes seller requests');
  return [r.principal, r.resource.id, r.action, r.ticket ?? NO_TICKET];
}

/**
 * Relations: assignments (`g`, employee → seller), the sellers a ticket names (`g2`) and the
 * tickets an employee holds (`g3`: open, not self-opened, active holders), loaded into the
 * enforcer beforehand; the request carries ids only.
 */
export async function casbinRelations(work: Workload): Promise<Enforcer> {
  const lines = ['p, seller.metrics.view'];
  for (const e of work.employees)
    if (e.active) for (const s of e.assignedSellers) lines.push(`g, ${e.id}, ${s}`);
  for (const item of work.items) {
    const t = item.request.ticket;
    if (!t) continue;
    for (const s of t.sellers) lines.push(`g2, ${t.id}, ${s}`);
    if (t.open && !t.selfOpened) for (const h of t.holders) lines.push(`g3, ${h}, ${t.id}`);
  }
  return newEnforcer(newModelFromString(RELATIONS_MODEL), new StringAdapter(lines.join('\n')));
}

export function relationArgs(r: DecisionRequest): [string, string, string, string] {
  if (r.resource.type !== 'Seller') throw new Error('guard bench: casbin takes seller requests');
  return [r.principal.id, r.resource.id, r.action, r.ticket?.id ?? ''];
}
