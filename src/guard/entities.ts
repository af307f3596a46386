import type { CedarValueJson, EntityJson, StatefulAuthorizationCall } from './cedar.js';
import type { DecisionRequest, EmployeeFacts, ResourceFacts, TicketFacts } from './request.js';
import { APPROVABLE, resourceId } from './request.js';

const NS = 'Warden::';

const uid = (type: string, id: string): { type: string; id: string } => ({
  type: NS + type,
  id,
});
const ref = (type: string, id: string): CedarValueJson => ({ __entity: uid(type, id) });

/** The ids a request concerns: every set attribute is sliced to these (see `slice`). */
interface Concerned {
  readonly sellers: ReadonlySet<string>;
  readonly employees: ReadonlySet<string>;
  readonly reviewers: ReadonlySet<string>;
  readonly reviews: ReadonlySet<string>;
}

/**
 * The Cedar call for a request, passing only the request's own entities (the employee, the
 * resource when it has attributes, the cited ticket) and slicing every set-valued attribute
 * to the ids the request concerns. Each entity reference costs the engine ~15 µs to read,
 * and an account manager's book may hold dozens of sellers; a policy asking
 * `principal.assignedSellers.contains(resource)` gets the same answer from the slice.
 * Policies must therefore test set membership only against the request's own ids
 * (docs/guard.md, "Entity slicing").
 */
export function cedarCall(
  request: DecisionRequest,
  policySetId: string,
  schemaName: string | undefined,
): StatefulAuthorizationCall {
  const c = concernedBy(request);
  const entities: EntityJson[] = [employeeEntity(request.principal, c)];
  const resourceEntity = resourceEntityOf(request.resource, c);
  if (resourceEntity) entities.push(resourceEntity);
  if (request.ticket) entities.push(ticketEntity(request.ticket, c));
  return {
    principal: uid('Employee', request.principal.id),
    action: uid('Action', request.action),
    resource: uid(request.resource.type, resourceId(request.resource)),
    context: contextOf(request),
    preparsedPolicySetId: policySetId,
    ...(schemaName === undefined ? {} : { preparsedSchemaName: schemaName, validateRequest: true }),
    entities,
  };
}

function concernedBy(request: DecisionRequest): Concerned {
  const sellers = new Set<string>();
  const employees = new Set<string>([request.principal.id]);
  const reviewers = new Set<string>();
  const reviews = new Set<string>();
  const r = request.resource;
  if (r.type === 'Seller') sellers.add(r.id);
  if (r.type === 'Reviewer') reviewers.add(r.id);
  if (r.type === 'Review') {
    sellers.add(r.review.sellerId);
    reviewers.add(r.review.reviewerId);
    reviews.add(r.review.id);
  }
  if (r.type === 'ApprovalRequest') {
    for (const s of r.approval.sellers) sellers.add(s);
    employees.add(r.approval.requester);
  }
  return { sellers, employees, reviewers, reviews };
}

function slice(type: string, ids: readonly string[], keep: ReadonlySet<string>): CedarValueJson[] {
  const out: CedarValueJson[] = [];
  for (const id of ids) if (keep.has(id)) out.push(ref(type, id));
  return out;
}

function employeeEntity(e: EmployeeFacts, c: Concerned): EntityJson {
  return {
    uid: uid('Employee', e.id),
    attrs: {
      team: e.team,
      role: e.role,
      site: e.site,
      active: e.active,
      highRisk: e.highRisk,
      assignedSellers: slice('Seller', e.assignedSellers, c.sellers),
      managers: slice('Employee', e.managers, c.employees),
    },
    parents: [],
  };
}

function resourceEntityOf(r: ResourceFacts, c: Concerned): EntityJson | undefined {
  if (r.type === 'Review') {
    const v = r.review;
    return {
      uid: uid('Review', v.id),
      attrs: {
        seller: ref('Seller', v.sellerId),
        reviewer: ref('Reviewer', v.reviewerId),
        rating: v.rating,
        removed: v.removed,
      },
      parents: [],
    };
  }
  if (r.type === 'ApprovalRequest') {
    const a = r.approval;
    return {
      uid: uid('ApprovalRequest', a.id),
      attrs: {
        requester: ref('Employee', a.requester),
        requesterManagers: slice('Employee', a.requesterManagers, c.employees),
        action: a.action,
        sellers: slice('Seller', a.sellers, c.sellers),
      },
      parents: [],
    };
  }
  return undefined;
}

function ticketEntity(t: TicketFacts, c: Concerned): EntityJson {
  return {
    uid: uid('Ticket', t.id),
    attrs: {
      open: t.open,
      holders: slice('Employee', t.holders, c.employees),
      sellers: slice('Seller', t.sellers, c.sellers),
      reviews: slice('Review', t.reviews, c.reviews),
      reviewers: slice('Reviewer', t.reviewers, c.reviewers),
      legal: t.legal,
      selfOpened: t.selfOpened,
    },
    parents: [],
  };
}

/** The context each action's schema declares, filled from the request. */
function contextOf(request: DecisionRequest): Record<string, CedarValueJson> {
  const d = request.details ?? {};
  const ticket = request.ticket ? { ticket: ref('Ticket', request.ticket.id) } : {};
  switch (request.action) {
    case 'seller.metrics.export':
      return { ...ticket, rows: d.rows ?? 0, fields: [...(d.fields ?? [])] };
    case 'review.delete':
      return { ...ticket, reason: d.reason ?? '', approved: d.approved === true };
    case 'review.restore':
      return { ...ticket, reason: d.reason ?? '' };
    case 'reviewer.contact.reveal':
      return { ...ticket, approved: d.approved === true };
    case 'ticket.open':
      return { topic: d.topic ?? '' };
    case 'approval.grant':
      return {};
    default:
      return ticket;
  }
}

/** Whether the action's context has `approved` (so a forbid may hold it pending). */
export function canBeApproved(request: DecisionRequest): boolean {
  return APPROVABLE.has(request.action);
}
