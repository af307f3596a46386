import type { InterchangeRecord, Review, Ticket } from '../domain/index.js';
import {
  PrivacyError,
  maskEmail,
  maskName,
  type RelayAliases,
  type Vault,
} from '../privacy/index.js';
import type { StoreTransaction } from '../store/index.js';
import { GuardError } from './errors.js';
import type { FactReader } from './facts.js';
import type { GuardRequest } from './operation.js';
import { enforcementEffect } from './enforcement.js';

type DirectoryRecord = Exclude<InterchangeRecord, { kind: 'event' }>;

/** What an allowed request does and returns. */
export interface Effect {
  readonly effects?: readonly DirectoryRecord[];
  readonly state?: (tx: StoreTransaction) => Promise<void>;
  readonly data: Readonly<Record<string, unknown>>;
  /** What the effect adds to the request's event (e.g. the reviewers a restore tells). */
  readonly attrs?: Readonly<Record<string, unknown>>;
}

export interface EffectContext {
  readonly facts: FactReader;
  readonly vault: Vault;
  readonly aliases: RelayAliases;
  readonly time: string;
  readonly eventId: string;
  readonly newId: (prefix: string) => string;
}

interface SealedReviewer {
  readonly id: string;
  readonly email: string;
  readonly name?: string;
}

/**
 * The effect of an allowed request. Views return the directory record Warden holds (the
 * sales figures themselves stay in the marketplace's systems, which accept the recorded
 * decision); a reviewer's contact is a relay alias and masked values; a deletion or
 * restore is a new version of the review; a new ticket is a new ticket record.
 */
export async function effectOf(req: GuardRequest, c: EffectContext): Promise<Effect> {
  switch (req.action) {
    case 'seller.metrics.view':
    case 'seller.account.view':
      return { data: { seller: await c.facts.record('seller', req.targetId) } };
    case 'seller.metrics.export':
      return { data: { sellerId: req.targetId, rows: req.rows, fields: req.fields ?? [] } };
    case 'review.view':
      return { data: { review: await c.facts.record('review', req.targetId) } };
    case 'reviewer.contact.view':
      return contactAlias(req, c);
    case 'reviewer.contact.reveal':
      return contactReveal(req, c);
    case 'review.delete':
    case 'review.restore':
      return reviewVersion(req, c);
    case 'ticket.open':
      return openTicket(req, c);
    case 'policy.activate':
      return activatePolicySet(req, c);
    case 'case.enforce':
      return enforcementEffect(req, c);
  }
}

/** The set is stored under its hash; the request's event (a leaf) is what makes it active. */
function activatePolicySet(req: GuardRequest, c: EffectContext): Effect {
  const set = req.policySet;
  if (!set) throw new GuardError('REQUEST_INVALID', 'policy.activate needs the proposed set');
  return {
    state: (tx) => tx.putPolicySet({ hash: set.hash, files: set.files, createdAt: c.time }),
    data: { policySet: set.hash, active: true },
  };
}

async function contactAlias(req: GuardRequest, c: EffectContext): Promise<Effect> {
  const r = await reviewer(req, c);
  const alias = c.aliases.aliasFor(req.employeeId, r.id);
  const issue = {
    alias,
    viewer: req.employeeId,
    reviewer: r.id,
    issuedAt: c.time,
    eventId: c.eventId,
    ...(req.ticketId === undefined ? {} : { ticket: req.ticketId }),
  };
  return {
    state: (tx) => tx.recordAliasIssue(issue),
    data: {
      reviewerId: r.id,
      alias,
      email: masked(c, r, 'email', maskEmail),
      ...(r.name === undefined ? {} : { name: masked(c, r, 'name', maskName) }),
    },
  };
}

async function contactReveal(req: GuardRequest, c: EffectContext): Promise<Effect> {
  const r = await reviewer(req, c);
  return {
    data: {
      reviewerId: r.id,
      email: c.vault.open(r.id, 'email', r.email),
      ...(r.name === undefined ? {} : { name: c.vault.open(r.id, 'name', r.name) }),
    },
  };
}

async function reviewer(req: GuardRequest, c: EffectContext): Promise<SealedReviewer> {
  const r = await c.facts.record<SealedReviewer>('reviewer', req.targetId);
  if (!r) throw new GuardError('REQUEST_INVALID', `no reviewer ${req.targetId}`);
  return r;
}

function masked(
  c: EffectContext,
  r: SealedReviewer,
  field: 'email' | 'name',
  mask: (s: string) => string,
): string {
  const sealed = r[field];
  if (sealed === undefined) return '';
  try {
    return mask(c.vault.open(r.id, field, sealed));
  } catch (error) {
    // an erased person shows as such; a ciphertext that fails to open is an integrity fault
    if (error instanceof PrivacyError && error.code === 'SUBJECT_ERASED') return '(erased)';
    throw error;
  }
}

async function reviewVersion(req: GuardRequest, c: EffectContext): Promise<Effect> {
  const current = await c.facts.record<Review>('review', req.targetId);
  if (!current) throw new GuardError('REQUEST_INVALID', `no review ${req.targetId}`);
  const { removedAt: _removed, ...rest } = current;
  const body: Review = req.action === 'review.delete' ? { ...rest, removedAt: c.time } : rest;
  return {
    effects: [{ kind: 'review', body }],
    data: { reviewId: body.id, removedAt: body.removedAt ?? null },
  };
}

function openTicket(req: GuardRequest, c: EffectContext): Effect {
  const body: Ticket = {
    id: c.newId('t'),
    sellerId: req.targetId,
    openedAt: c.time,
    openedBy: req.employeeId,
    assigneeId: req.employeeId,
    topic: req.topic ?? '',
  };
  return { effects: [{ kind: 'ticket', body }], data: { ticketId: body.id } };
}
