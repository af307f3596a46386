import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isAuthorized } from './cedar.js';
import { cedarCall } from './entities.js';
import { CompiledPolicies } from './policy-set.js';
import { APPROVABLE } from './request.js';
import type {
  ApprovalFacts,
  Decision,
  DecisionRequest,
  EmployeeFacts,
  ReviewFacts,
  TicketFacts,
} from './request.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InterchangeRecord } from '../domain/index.js';
import { recordKey } from '../domain/index.js';
import { Ledger, canonicalJson, generateSignerKey } from '../ledger/index.js';
import { RelayAliases, Vault } from '../privacy/index.js';
import { SqliteStore } from '../store/index.js';
import { Decider } from './decider.js';
import { Guard, type GuardOptions } from './guard.js';

/** The shipped default policies (`policies/` at the repository root). */
export const DEFAULT_POLICY_DIR = fileURLToPath(new URL('../../policies', import.meta.url));

let compiled: CompiledPolicies | undefined;
export function defaultPolicies(): CompiledPolicies {
  compiled ??= CompiledPolicies.fromDir(DEFAULT_POLICY_DIR);
  return compiled;
}

export function employee(id: string, over: Partial<EmployeeFacts> = {}): EmployeeFacts {
  return {
    id,
    team: 'seller-support',
    role: 'support-agent',
    site: 'SZX',
    active: true,
    highRisk: false,
    assignedSellers: [],
    managers: [],
    ...over,
  };
}

export function ticket(id: string, over: Partial<TicketFacts> = {}): TicketFacts {
  return {
    id,
    open: true,
    holders: [],
    sellers: [],
    reviews: [],
    reviewers: [],
    legal: false,
    selfOpened: false,
    ...over,
  };
}

export function review(id: string, over: Partial<ReviewFacts> = {}): ReviewFacts {
  return { id, sellerId: 's1', reviewerId: 'rv1', rating: 4, removed: false, ...over };
}

export function approvalOf(id: string, over: Partial<ApprovalFacts> = {}): ApprovalFacts {
  return {
    id,
    requester: 'mod1',
    requesterManagers: [],
    action: 'review.delete',
    sellers: ['s1'],
    ...over,
  };
}

// --- a small marketplace in a real SQLite store, for the guard's integration tests ---

export const RAW_EMAIL = 'jane.doe@example.com';
export const RAW_NAME = 'Jane Doe';
const PAST = '2026-01-01T00:00:00Z';

/** The directory of the tests' marketplace. */
export function marketplace(): InterchangeRecord[] {
  const emp = (id: string, team: string, role: string, extra: object = {}): InterchangeRecord => ({
    kind: 'employee',
    body: { id, team, role, site: 'SZX', ...extra },
  });
  return [
    emp('lead1', 'seller-support', 'team-lead'),
    emp('a1', 'seller-support', 'support-agent', { manager: 'lead1' }),
    emp('modlead', 'review-moderation', 'team-lead'),
    emp('mod1', 'review-moderation', 'moderator', { manager: 'modlead' }),
    emp('mod2', 'review-moderation', 'moderator'),
    emp('mod3', 'review-moderation', 'moderator'),
    emp('am1', 'account-management', 'account-manager'),
    emp('counsel1', 'legal', 'counsel'),
    emp('counsel2', 'legal', 'counsel'),
    emp('gone', 'account-management', 'account-manager', { leftAt: '2026-06-01T00:00:00Z' }),
    { kind: 'seller', body: { id: 's1', category: 'toys', region: 'US' } },
    { kind: 'seller', body: { id: 's2', category: 'toys', region: 'US' } },
    { kind: 'product', body: { id: 'p1', sellerId: 's1', category: 'toys' } },
    { kind: 'product', body: { id: 'p2', sellerId: 's2', category: 'toys' } },
    { kind: 'reviewer', body: { id: 'rv1', email: RAW_EMAIL, name: RAW_NAME } },
    {
      kind: 'review',
      body: { id: 'r1', productId: 'p1', reviewerId: 'rv1', rating: 1, createdAt: PAST },
    },
    {
      kind: 'review',
      body: { id: 'r2', productId: 'p1', reviewerId: 'rv1', rating: 5, createdAt: PAST },
    },
    {
      kind: 'review',
      body: { id: 'r3', productId: 'p2', reviewerId: 'rv1', rating: 4, createdAt: PAST },
    },
    { kind: 'assignment', body: { employeeId: 'am1', sellerId: 's1', from: PAST } },
    { kind: 'assignment', body: { employeeId: 'mod3', sellerId: 's1', from: PAST } },
    { kind: 'assignment', body: { employeeId: 'gone', sellerId: 's1', from: PAST } },
    {
      kind: 'ticket',
      body: {
        id: 't1',
        sellerId: 's1',
        openedAt: PAST,
        assigneeId: 'a1',
        openedBy: 'seller',
        reviewId: 'r1',
      },
    },
    {
      kind: 'ticket',
      body: {
        id: 't2',
        sellerId: 's1',
        openedAt: PAST,
        assigneeId: 'a1',
        openedBy: 'seller',
        closedAt: '2026-02-01T00:00:00Z',
      },
    },
    {
      kind: 'ticket',
      body: { id: 't3', sellerId: 's2', openedAt: PAST, assigneeId: 'a1', openedBy: 'customer' },
    },
    {
      kind: 'ticket',
      body: {
        id: 'tl',
        sellerId: 's1',
        openedAt: PAST,
        assigneeId: 'counsel1',
        openedBy: 'legal-intake',
        reviewId: 'r1',
      },
    },
  ];
}

export interface GuardFixture {
  readonly guard: Guard;
  /** The guard's decider: a test switches it to another policy set (`use`). */
  readonly decider: Decider;
  readonly store: SqliteStore;
  readonly ledger: Ledger;
  readonly dbPath: string;
  readonly signerKey: string;
  readonly masterKey: Buffer;
  readonly vault: Vault;
  /** The clock the guard reads; tests move it. */
  clock: { now: string };
  close(): Promise<void>;
}

/**
 * A guard over a fresh SQLite store holding `marketplace()`; with `sharing`, a second guard
 * over the same database file and keys, as another process would open it.
 */
export async function guardFixture(
  options: GuardOptions = {},
  sharing?: GuardFixture,
): Promise<GuardFixture> {
  const dbPath = sharing?.dbPath ?? join(mkdtempSync(join(tmpdir(), 'warden-guard-')), 'warden.db');
  const clock = sharing?.clock ?? { now: '2026-11-29T10:00:00Z' };
  const now = (): string => clock.now;
  const store = SqliteStore.open(dbPath, { now });
  const signerKey = sharing?.signerKey ?? generateSignerKey('warden.test/log');
  const ledger = await Ledger.open(store, signerKey, { hashing: 'inline' });
  const masterKey = sharing?.masterKey ?? randomBytes(32);
  const vault = new Vault(masterKey, store.dataKeys);
  if (!sharing) await seed(store, ledger, vault, marketplace());
  const decider = new Decider(defaultPolicies());
  const guard = new Guard(
    {
      store,
      ledger,
      vault,
      aliases: new RelayAliases(masterKey, 'relay.marketplace.example'),
      decider,
      now,
    },
    { riskTtlMs: 0, ...options },
  );
  return {
    guard,
    decider,
    store,
    ledger,
    dbPath,
    signerKey,
    masterKey,
    vault,
    clock,
    close: async () => {
      await ledger.close();
      await store.close();
    },
  };
}

async function seed(
  store: SqliteStore,
  ledger: Ledger,
  vault: Vault,
  records: InterchangeRecord[],
): Promise<void> {
  const tx = await store.begin();
  for (const record of records) {
    if (record.kind === 'event') continue;
    const sealed: InterchangeRecord =
      record.kind === 'reviewer'
        ? {
            kind: 'reviewer',
            body: {
              ...record.body,
              email: vault.seal(record.body.id, 'email', record.body.email),
              ...(record.body.name === undefined
                ? {}
                : { name: vault.seal(record.body.id, 'name', record.body.name) }),
            },
          }
        : record;
    await tx.insertDirectoryVersions([
      {
        leaf: ledger.size,
        kind: record.kind,
        key: recordKey(record),
        payload: canonicalJson(sealed.body),
      },
    ]);
    ledger.appendRecord(sealed);
  }
  await ledger.persist(tx);
  await tx.commit();
}

/**
 * The decision as plain Cedar gives it, for comparison with the decider's one-evaluation
 * path: the original policies (permits as permits), every attribute, the request validated
 * against the schema, and pending found by asking again with `approved: true`.
 */
export function referenceDecide(policies: CompiledPolicies, request: DecisionRequest): Decision {
  const ask = (r: DecisionRequest): { outcome: 'allow' | 'deny'; policies: string[] } => {
    const call = cedarCall(r, 'unused', 'all', undefined);
    const answer = isAuthorized({
      principal: call.principal,
      action: call.action,
      resource: call.resource,
      context: call.context,
      entities: call.entities,
      schema: policies.texts.schema.text,
      validateRequest: true,
      policies: {
        staticPolicies: Object.fromEntries(policies.policies.map((p) => [p.id, p.text])),
      },
    });
    if (answer.type === 'failure') throw new Error(answer.errors.map((e) => e.message).join());
    if (answer.response.diagnostics.errors.length > 0) throw new Error('evaluation error');
    return {
      outcome: answer.response.decision,
      policies: [...answer.response.diagnostics.reason].sort(),
    };
  };
  const first = ask(request);
  const approvable = APPROVABLE.has(request.action) && request.details?.approved !== true;
  const held =
    first.outcome === 'deny' &&
    first.policies.length > 0 &&
    first.policies.every((id) => policies.pendingIds.has(id));
  if (!approvable || !held) return { ...first, errors: [] };
  const second = ask({ ...request, details: { ...request.details, approved: true } });
  return second.outcome === 'allow'
    ? { outcome: 'pending', policies: first.policies, errors: [] }
    : { ...second, errors: [] };
}
