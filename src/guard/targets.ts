import { GuardError } from './errors.js';
import { checkEnforcement, subjectKind } from './enforcement.js';
import type { FactReader } from './facts.js';
import type { GuardRequest } from './operation.js';
import { GUARDED_ACTIONS, isCaseStep, type ResourceFacts, type TicketFacts } from './request.js';

const MAX_ID = 128;
const MAX_EXPORT_ROWS_ASKED = 1_000_000_000;

/** Checks a request's shape before anything is read (the policies judge the rest). */
export function checkRequest(req: GuardRequest): void {
  const bad = (field: string, why: string): never => {
    throw new GuardError('REQUEST_INVALID', `${field}: ${why}`);
  };
  if (
    !(GUARDED_ACTIONS as readonly string[]).includes(req.action) ||
    req.action === ('approval.grant' as string) ||
    isCaseStep(req.action)
  ) {
    bad('action', `unknown action ${JSON.stringify(req.action)}`);
  }
  for (const [field, value] of [
    ['employee', req.employeeId],
    ['target', req.targetId],
    ['ticket', req.ticketId],
    ['approval', req.approvalId],
  ] as const) {
    if (value === undefined && (field === 'ticket' || field === 'approval')) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID) {
      bad(field, `an id of 1–${MAX_ID} characters is required`);
    }
  }
  if (req.action === 'seller.metrics.export') {
    const rows = req.rows;
    if (
      rows === undefined ||
      !Number.isSafeInteger(rows) ||
      rows < 1 ||
      rows > MAX_EXPORT_ROWS_ASKED
    ) {
      bad('rows', 'an export states how many rows it takes (a whole number ≥ 1)');
    }
  }
  if ((req.action === 'review.delete' || req.action === 'review.restore') && !req.reason) {
    bad('reason', `${req.action} needs a reason`);
  }
  if (req.action === 'ticket.open' && !req.topic) bad('topic', 'a new ticket needs a topic');
  if (req.action === 'case.enforce') checkEnforcement(req);
}

/** The resource's facts, and the sellers it concerns (for approvals). */
export async function resourceFacts(
  facts: FactReader,
  req: GuardRequest,
  ticket: TicketFacts | undefined,
): Promise<ResourceFacts & { readonly sellers: readonly string[] }> {
  switch (req.action) {
    case 'seller.metrics.view':
    case 'seller.account.view':
    case 'seller.metrics.export':
    case 'ticket.open':
      await mustExist(facts, 'seller', req.targetId);
      return { type: 'Seller', id: req.targetId, sellers: [req.targetId] };
    case 'reviewer.contact.view':
    case 'reviewer.contact.reveal': {
      await mustExist(facts, 'reviewer', req.targetId);
      return { type: 'Reviewer', id: req.targetId, sellers: ticket?.sellers ?? [] };
    }
    case 'review.view':
    case 'review.delete':
    case 'review.restore': {
      const review = await facts.review(req.targetId);
      if (!review) throw new GuardError('REQUEST_INVALID', `no review ${req.targetId}`);
      if (review.sellerId === '') {
        throw new GuardError(
          'REQUEST_INVALID',
          `review ${req.targetId}: its product is not in the directory, so its seller is unknown`,
        );
      }
      const { record: _record, ...facts_ } = review;
      return { type: 'Review', review: facts_, sellers: [review.sellerId] };
    }
    case 'policy.activate':
      if (req.policySet?.hash !== req.targetId) {
        throw new GuardError('REQUEST_INVALID', `policy.activate: the target is the set's hash`);
      }
      return { type: 'PolicySet', id: req.targetId, sellers: [] };
    case 'case.enforce': {
      const found = await facts.caseFacts(req.targetId);
      if (!found) throw new GuardError('REQUEST_INVALID', `no case ${req.targetId}`);
      const kind = req.enforcement ? subjectKind(req.enforcement) : undefined;
      if (kind && req.enforcement) {
        const subject = req.enforcement.subject;
        await mustExist(facts, kind, subject);
        // a measure acts on the case's own subjects, never on someone the case does not name
        const named = kind === 'seller' ? found.sellers : found.subjects;
        if (!named.includes(subject)) {
          throw new GuardError(
            'REQUEST_INVALID',
            `case ${found.id} does not name ${kind} ${subject}`,
          );
        }
      }
      return { type: 'Case', case: found, sellers: found.sellers };
    }
  }
}

async function mustExist(
  facts: FactReader,
  kind: 'seller' | 'reviewer' | 'employee',
  id: string,
): Promise<void> {
  if ((await facts.record(kind, id)) === undefined) {
    throw new GuardError('REQUEST_INVALID', `no ${kind} ${id}`);
  }
}
