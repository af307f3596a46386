import { z } from 'zod';
import type { ACTION_TARGETS } from '../domain/index.js';
import { idProblem } from './ids.js';
import { jsonProblem } from './json-limits.js';
import {
  DELETE_REASONS,
  OUTCOMES,
  SHIFTS,
  TARGET_TYPES,
  parseTime,
  type DirectoryKind,
} from '../domain/index.js';

/** The message of every time refinement: the parser maps it to `INVALID_TIME`. */
export const TIME_MESSAGE = 'not an RFC 3339 time with a zone (like 2026-03-02T09:14:05Z)';

// Ids are opaque strings of 1–128 characters (interchange v1, "Framing") from the safe set of
// `idProblem` (docs/ingest.md, "Ids"): a message starting `UNSAFE_ID_PREFIX` becomes `UNSAFE_ID`.
const id = z
  .string()
  .min(1)
  .max(128)
  .superRefine((value, ctx) => {
    const problem = idProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
const time = z.string().refine((t) => parseTime(t) !== undefined, TIME_MESSAGE);

/**
 * Attrs: any JSON object within the limits of `jsonProblem`, checked on the value as sent
 * (before `z.record`, which would drop a `__proto__` member silently). The issue carries the
 * rejection code in `params.code`.
 */
const attrs = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = jsonProblem(value, 2);
    if (problem === undefined) return;
    ctx.addIssue({
      code: 'custom',
      message: problem.message,
      path: [...problem.path],
      params: { code: problem.code },
    });
  })
  .pipe(z.record(z.string(), z.unknown()));
const text = z.string().max(4096);

const base = { v: z.literal(1), kind: z.string() };

export const employeeSchema = z.strictObject({
  ...base,
  id,
  team: text.min(1),
  role: text.min(1),
  site: text.min(1),
  name: text.optional(),
  manager: id.optional(),
  hiredAt: time.optional(),
  leftAt: time.optional(),
  shift: z.enum(SHIFTS).optional(),
  attrs: attrs.optional(),
});

export const sellerSchema = z.strictObject({
  ...base,
  id,
  category: text.min(1),
  region: text.min(1),
  name: text.optional(),
  openedAt: time.optional(),
  attrs: attrs.optional(),
});

export const productSchema = z.strictObject({
  ...base,
  id,
  sellerId: id,
  category: text.min(1),
  title: text.optional(),
  attrs: attrs.optional(),
});

export const reviewerSchema = z.strictObject({
  ...base,
  id,
  email: z
    .string()
    .min(3)
    .max(320)
    .regex(/^[^@\s]+@[^@\s]+$/, 'not an email address'),
  name: text.optional(),
  attrs: attrs.optional(),
});

export const reviewSchema = z.strictObject({
  ...base,
  id,
  productId: id,
  reviewerId: id,
  rating: z.int().min(1).max(5),
  createdAt: time,
  removedAt: time.optional(),
  attrs: attrs.optional(),
});

export const assignmentSchema = z.strictObject({
  ...base,
  employeeId: id,
  sellerId: id,
  from: time,
  to: time.nullable().optional(),
  attrs: attrs.optional(),
});

export const ticketSchema = z.strictObject({
  ...base,
  id,
  sellerId: id,
  openedAt: time,
  assigneeId: id.optional(),
  openedBy: id.optional(),
  closedAt: time.optional(),
  topic: text.optional(),
  reviewId: id.optional(),
  relatedSellerIds: z.array(id).max(1000).optional(),
  attrs: attrs.optional(),
});

export const reportSchema = z.strictObject({
  ...base,
  id,
  reviewId: id,
  reportedAt: time,
  reason: text.min(1),
  attrs: attrs.optional(),
});

export const eventSchema = z.strictObject({
  ...base,
  id,
  time,
  actor: id,
  action: z.string().min(1).max(128),
  target: z.strictObject({ type: z.enum(TARGET_TYPES), id }),
  outcome: z.enum(OUTCOMES).optional(),
  ticket: id.optional(),
  context: z
    .strictObject({
      ip: text.optional(),
      device: text.optional(),
      session: text.optional(),
      geo: text.optional(),
    })
    .optional(),
  attrs: attrs.optional(),
});

/** Action-specific attrs that the contract defines; other attrs pass as they are. */
export const actionAttrsSchemas: Partial<Record<keyof typeof ACTION_TARGETS, z.ZodType>> = {
  'seller.metrics.export': z.looseObject({ rows: z.int().min(0).optional() }),
  'review.delete': z.looseObject({ reason: z.enum(DELETE_REASONS).optional() }),
  'data.export': z.looseObject({
    rows: z.int().min(0).optional(),
    fields: z.array(z.string().max(256)).max(1000).optional(),
  }),
};

export const SCHEMAS: Record<DirectoryKind | 'event', z.ZodType> = {
  employee: employeeSchema,
  seller: sellerSchema,
  product: productSchema,
  reviewer: reviewerSchema,
  review: reviewSchema,
  assignment: assignmentSchema,
  ticket: ticketSchema,
  report: reportSchema,
  event: eventSchema,
};

/** Fields whose values are personal data: masked in every message. */
export const PERSONAL_FIELDS = new Set(['email', 'name']);
