import type * as Zod from 'zod';
import { lazySchema } from '../domain/index.js';
import { GuardError } from './errors.js';
import { GUARDED_ACTIONS, type Decision, type DecisionRequest, type Outcome } from './request.js';

/** The request row's schema (built on first use: `lazySchema`). */
function buildRequestSchema({ z }: typeof Zod) {
  const id = z.string().min(1).max(128);
  const ids = z.array(id).default([]);

  const principal = z.strictObject({
    id,
    team: z.string(),
    role: z.string(),
    site: z.string().default('SZX'),
    active: z.boolean().default(true),
    highRisk: z.boolean().default(false),
    assignedSellers: ids,
    managers: ids,
  });

  const ticket = z.strictObject({
    id,
    open: z.boolean().default(true),
    holders: ids,
    sellers: ids,
    reviews: ids,
    reviewers: ids,
    legal: z.boolean().default(false),
    selfOpened: z.boolean().default(false),
  });

  const resource = z.union([
    z.strictObject({ seller: id }).transform((r) => ({ type: 'Seller' as const, id: r.seller })),
    z
      .strictObject({ reviewer: id })
      .transform((r) => ({ type: 'Reviewer' as const, id: r.reviewer })),
    z
      .strictObject({ employee: id })
      .transform((r) => ({ type: 'Employee' as const, id: r.employee })),
    z
      .strictObject({
        review: z.strictObject({
          id,
          sellerId: id,
          reviewerId: id,
          rating: z.number().int().min(1).max(5),
          removed: z.boolean().default(false),
        }),
      })
      .transform((r) => ({ type: 'Review' as const, review: r.review })),
    z
      .strictObject({
        approval: z.strictObject({
          id,
          requester: id,
          requesterManagers: ids,
          action: z.enum(GUARDED_ACTIONS),
          sellers: ids,
          subjects: ids,
        }),
      })
      .transform((r) => ({ type: 'ApprovalRequest' as const, approval: r.approval })),
    z
      .strictObject({ policySet: id })
      .transform((r) => ({ type: 'PolicySet' as const, id: r.policySet })),
    z
      .strictObject({ case: z.strictObject({ id, subjects: ids, sellers: ids }) })
      .transform((r) => ({ type: 'Case' as const, case: r.case })),
    z
      .strictObject({ alert: z.strictObject({ id, subjects: ids, sellers: ids }) })
      .transform((r) => ({ type: 'Alert' as const, alert: r.alert })),
  ]);

  const details = z.strictObject({
    rows: z.number().int().optional(),
    fields: z.array(z.string()).optional(),
    reason: z.string().optional(),
    topic: z.string().optional(),
    measure: z.string().optional(),
    step: z.string().optional(),
    approved: z.boolean().optional(),
  });

  return z.strictObject({
    name: z.string().optional(),
    principal,
    action: z.enum(GUARDED_ACTIONS),
    resource,
    ticket: ticket.optional(),
    details: details.optional(),
    expect: z.enum(['allow', 'deny', 'pending']).optional(),
  });
}

type RowDetails = NonNullable<Zod.output<ReturnType<typeof buildRequestSchema>>['details']>;

const schema = lazySchema(buildRequestSchema);

/** One row of a policy test table: a request and, in a test, the decision it must get. */
export interface PolicyCase {
  readonly line: number;
  readonly name: string;
  readonly request: DecisionRequest;
  readonly expect?: Outcome;
}

/**
 * Parses one request written as JSON (the policy test table's row shape: `principal`,
 * `action`, `resource` as `{ "seller": id }`, `{ "reviewer": id }`, `{ "review": {…} }` or
 * `{ "approval": {…} }`, `{ "employee": id }`, optional `ticket`, `details`, `expect`, `name`).
 */
export function parsePolicyCase(text: string, where: string, line: number): PolicyCase {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new GuardError('REQUEST_INVALID', `${where}:${line}: not JSON (${String(cause)})`);
  }
  const parsed = schema().safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(the request)';
    throw new GuardError(
      'REQUEST_INVALID',
      `${where}:${line}: field ${field}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const { name, expect, ticket: t, details: d, ...rest } = parsed.data;
  return {
    line,
    name: name ?? `${rest.principal.role} ${rest.action}`,
    request: { ...rest, ...(t ? { ticket: t } : {}), ...(d ? { details: cleanDetails(d) } : {}) },
    ...(expect === undefined ? {} : { expect }),
  };
}

/** A policy test table: one JSON request per line; blank lines and `#` comments are skipped. */
export function parsePolicyTable(text: string, where: string): PolicyCase[] {
  const cases: PolicyCase[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const c = parsePolicyCase(line, where, i + 1);
    if (c.expect === undefined) {
      throw new GuardError(
        'REQUEST_INVALID',
        `${where}:${i + 1}: field expect: required in a test`,
      );
    }
    cases.push(c);
  });
  if (cases.length === 0) throw new GuardError('REQUEST_INVALID', `${where}: no test cases`);
  return cases;
}

function cleanDetails(d: RowDetails): NonNullable<DecisionRequest['details']> {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));
}

export interface PolicyCaseResult {
  readonly case: PolicyCase;
  readonly decision: Decision;
  readonly passed: boolean;
}

/** Decides every case; `passed` when the outcome is the expected one. */
export function runPolicyCases(
  decider: { decide(r: DecisionRequest): Decision },
  cases: readonly PolicyCase[],
): PolicyCaseResult[] {
  return cases.map((c) => {
    const decision = decider.decide(c.request);
    return { case: c, decision, passed: decision.outcome === c.expect };
  });
}
