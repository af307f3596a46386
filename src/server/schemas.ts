import { z } from 'zod';
import { SEVERITIES } from '../domain/index.js';
import { QUEUE_STATES } from './alert-queue.js';

/**
 * Response shapes of the main routes, for OpenAPI (`/docs/json`) and for the serializer: a
 * route answers only the fields written here, so a field added to a stored record is not sent
 * until it is described. Nested records whose shape belongs to another context (an alert's
 * suppression, a guarded operation's data) are described loosely and sent whole.
 */
const text = z.string();
const ids = z.array(z.string()).readonly();

/** `{ items, nextCursor? }` of a list route. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item).readonly(),
    nextCursor: text.optional().describe('absent on the last page'),
  });

export const alertShape = z.object({
  id: text.describe('per detection run (al-N): act on it from the current list'),
  employeeId: text,
  employeeIds: ids.optional(),
  detector: text,
  severity: z.enum(SEVERITIES),
  eventTime: text,
  sellerIds: ids,
  events: ids,
  summary: text,
  suppressed: z
    .object({ until: text, reason: text, by: text, alertId: text })
    .optional()
    .describe('an unexpired dismissal of this detector about this employee'),
});

/** An alert of the queue: with its triage state (`new` until someone acts on it). */
export const queuedAlertShape = alertShape.extend({
  triage: z.object({
    state: z.enum(QUEUE_STATES),
    by: text.optional().describe('who took the last triage step'),
    at: text.optional(),
    caseId: text.optional().describe('escalated: the case it went into'),
    until: text.optional().describe('dismissed: when the suppression ends'),
  }),
});

export const caseShape = z.object({
  id: text,
  title: text,
  status: z.enum(['open', 'closed']),
  assignee: text.optional(),
  openedBy: text,
  openedAt: text,
  revealRequestedBy: text.optional(),
  revealedBy: text.optional(),
  revealedAt: text.optional(),
  heldAt: text.optional(),
  heldBy: text.optional(),
  eventId: text.describe('the event that recorded the opening'),
});

const noteShape = z.object({ caseId: text, author: text, text, at: text, eventId: text });

export const caseViewShape = z.object({
  case: caseShape,
  revealed: z.boolean().describe('false: employees appear as person-… pseudonyms'),
  subjects: z
    .array(z.object({ kind: z.enum(['employee', 'seller', 'reviewer']), ref: text }))
    .readonly(),
  alerts: z.array(alertShape).readonly(),
  notes: z.array(noteShape).readonly(),
  lookEvent: text.describe('the x-case.view event that recorded this look'),
});

/** An interchange event (`docs/ingest.md`); its nested parts as stored. */
const eventShape = z.object({
  id: text,
  time: text,
  actor: text,
  action: text,
  target: z.object({ type: text, id: text }),
  outcome: text.optional(),
  ticket: text.optional(),
  context: z.unknown().optional(),
  attrs: z.unknown().optional(),
});

export const timelineShape = z.object({
  view: caseViewShape,
  checkpoint: text.describe('the signed checkpoint (C2SP signed note) every proof is against'),
  treeSize: z.number().int(),
  rootHash: text.describe('hex'),
  entries: z
    .array(
      z.object({
        leaf: z.number().int(),
        event: eventShape,
        leafHash: text.describe('hex'),
        proof: ids.describe('hex audit path, RFC 9162 §2.1.3.1'),
      }),
    )
    .readonly(),
});

export const guardResultShape = z.object({
  outcome: z.enum(['allow', 'deny', 'pending']),
  decision: z.object({
    outcome: z.enum(['allow', 'deny', 'pending']),
    policies: ids,
    errors: ids,
  }),
  eventId: text.describe('the event that records the request and its decision'),
  approvalId: text.optional().describe('pending: the id a second person approves'),
  data: z.record(z.string(), z.unknown()).optional().describe('allowed: the (masked) data'),
});

export const approvalShape = z.object({
  id: text,
  requester: text,
  action: text,
  targetType: text,
  targetId: text,
  request: text.describe('canonical JSON of what was asked: the approval is for this alone'),
  sellers: ids,
  createdAt: text,
  expiresAt: text,
  status: z.enum(['pending', 'approved', 'rejected', 'executed']),
  requestEvent: text,
  decidedBy: text.optional(),
  decidedAt: text.optional(),
  executedAt: text.optional(),
});

export const appealShape = z.object({
  id: text,
  caseId: text,
  measureEvent: text.describe('the x-case.enforce event that carried the measure out'),
  appellant: text,
  grounds: text,
  filedBy: text,
  filedAt: text,
  outcome: z.enum(['upheld', 'overturned']).optional(),
  decidedBy: text.optional(),
  decidedAt: text.optional(),
  decision: text.optional(),
  eventId: text,
});

export const riskShape = z.object({
  employeeId: text,
  score: z.number().describe('0–100'),
  reasons: z.array(z.object({ indicator: text, detail: text, events: ids })).readonly(),
});

export const meShape = z.object({
  employeeId: text,
  identity: z.looseObject({ kind: text }),
  scopes: z.array(text),
});
