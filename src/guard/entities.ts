import { normaliseField } from './fields.js';
import type { CedarValueJson, EntityJson, StatefulAuthorizationCall } from './cedar.js';
import type { DecisionRequest, EmployeeFacts, ResourceFacts, TicketFacts } from './request.js';
import { isCaseStep, resourceId } from './request.js';

const NS = 'Warden::';

type Attrs = Record<string, CedarValueJson>;

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

/** Which attributes to pass: those a policy of the action reads, or (validating) all. */
export type AttributeFilter = ReadonlySet<string> | 'all';

/**
 * The Cedar call for a request, as cheap as the engine allows. cedar-wasm spends ~15 µs on
 * every entity reference it reads and ~3 µs on every attribute, so:
 *
 * - only the request's own entities are passed: the employee, and the resource when it has
 *   attributes (a review, an approval request); the cited ticket is a record in the context;
 * - every set-valued attribute is sliced to the ids the request concerns (an account
 *   manager's book may hold dozens of sellers; `assignedSellers.contains(resource)` gets the
 *   same answer from the slice);
 * - only attributes that a policy of the action reads are passed (`used`, from the policies'
 *   JSON). Unless the request is validated against the schema, which needs them all.
 *
 * Policies must therefore test set membership only against the request's own ids
 * (docs/guard.md, "Entity slicing").
 */
export function cedarCall(
  request: DecisionRequest,
  policySetId: string,
  used: AttributeFilter,
  schemaName: string | undefined,
): StatefulAuthorizationCall {
  const c = concernedBy(request);
  const pick = (attrs: Attrs): Attrs => prune(attrs, used);
  const entities: EntityJson[] = [
    {
      uid: uid('Employee', request.principal.id),
      attrs: pick(employeeAttrs(request.principal, c)),
      parents: [],
    },
  ];
  const resourceAttrs = resourceAttrsOf(request.resource, c);
  if (resourceAttrs) {
    entities.push({
      uid: uid(request.resource.type, resourceId(request.resource)),
      attrs: pick(resourceAttrs),
      parents: [],
    });
  }
  return {
    principal: uid('Employee', request.principal.id),
    action: uid('Action', request.action),
    resource: uid(request.resource.type, resourceId(request.resource)),
    context: pick(contextOf(request, c, pick)),
    preparsedPolicySetId: policySetId,
    ...(schemaName === undefined ? {} : { preparsedSchemaName: schemaName, validateRequest: true }),
    entities,
  };
}

function prune(attrs: Attrs, used: AttributeFilter): Attrs {
  if (used === 'all') return attrs;
  const out: Attrs = {};
  for (const key in attrs) if (used.has(key)) out[key] = attrs[key]!;
  return out;
}

function concernedBy(request: DecisionRequest): Concerned {
  const sellers = new Set<string>();
  const employees = new Set<string>([request.principal.id]);
  const reviewers = new Set<string>();
  const reviews = new Set<string>();
  const r = request.resource;
  if (r.type === 'Seller') sellers.add(r.id);
  if (r.type === 'Reviewer') reviewers.add(r.id);
  if (r.type === 'Employee') employees.add(r.id);
  if (r.type === 'Review') {
    sellers.add(r.review.sellerId);
    reviewers.add(r.review.reviewerId);
    reviews.add(r.review.id);
  }
  if (r.type === 'ApprovalRequest') {
    for (const s of r.approval.sellers) sellers.add(s);
    employees.add(r.approval.requester);
  }
  if (r.type === 'Case') for (const s of r.case.sellers) sellers.add(s);
  if (r.type === 'Alert') for (const s of r.alert.sellers) sellers.add(s);
  return { sellers, employees, reviewers, reviews };
}

function slice(type: string, ids: readonly string[], keep: ReadonlySet<string>): CedarValueJson[] {
  const out: CedarValueJson[] = [];
  for (const id of ids) if (keep.has(id)) out.push(ref(type, id));
  return out;
}

function employeeAttrs(e: EmployeeFacts, c: Concerned): Attrs {
  return {
    team: e.team,
    role: e.role,
    site: e.site,
    active: e.active,
    highRisk: e.highRisk,
    assignedSellers: slice('Seller', e.assignedSellers, c.sellers),
    managers: slice('Employee', e.managers, c.employees),
  };
}

function resourceAttrsOf(r: ResourceFacts, c: Concerned): Attrs | undefined {
  if (r.type === 'Review') {
    const v = r.review;
    return {
      seller: ref('Seller', v.sellerId),
      reviewer: ref('Reviewer', v.reviewerId),
      rating: v.rating,
      removed: v.removed,
    };
  }
  if (r.type === 'ApprovalRequest') {
    const a = r.approval;
    return {
      requester: ref('Employee', a.requester),
      requesterManagers: slice('Employee', a.requesterManagers, c.employees),
      action: a.action,
      sellers: slice('Seller', a.sellers, c.sellers),
      subjects: slice('Employee', a.subjects ?? [], c.employees),
    };
  }
  if (r.type === 'Case' || r.type === 'Alert') {
    const of = r.type === 'Case' ? r.case : r.alert;
    return {
      subjects: slice('Employee', of.subjects, c.employees),
      sellers: slice('Seller', of.sellers, c.sellers),
    };
  }
  return undefined;
}

function ticketRecord(t: TicketFacts, c: Concerned): Attrs {
  return {
    open: t.open,
    holders: slice('Employee', t.holders, c.employees),
    sellers: slice('Seller', t.sellers, c.sellers),
    reviews: slice('Review', t.reviews, c.reviews),
    reviewers: slice('Reviewer', t.reviewers, c.reviewers),
    legal: t.legal,
    selfOpened: t.selfOpened,
  };
}

/** The context each action's schema declares, filled from the request. */
function contextOf(request: DecisionRequest, c: Concerned, pick: (a: Attrs) => Attrs): Attrs {
  const d = request.details ?? {};
  const ticket: Attrs = request.ticket ? { ticket: pick(ticketRecord(request.ticket, c)) } : {};
  switch (request.action) {
    case 'seller.metrics.export':
      return {
        ...ticket,
        rows: d.rows ?? 0,
        fields: [...new Set((d.fields ?? []).map(normaliseField))],
      };
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
    case 'policy.activate':
      return { approved: d.approved === true };
    case 'case.enforce':
      return { measure: d.measure ?? '', reason: d.reason ?? '', approved: d.approved === true };
    default:
      return isCaseStep(request.action) ? { step: d.step ?? '' } : ticket;
  }
}
