import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessEvent } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import type { LeafEvent, Store, StoredToken } from '../store/index.js';
import { newId } from './deps.js';
import { GuardError } from './errors.js';
import { FactReader, ms } from './facts.js';
import { LedgerCheck } from './ledger-check.js';
import { OPERATOR } from './pinned-policies.js';
import { Recorder } from './recorder.js';

const PREFIX = 'wdn';
const TOKEN = /^wdn_(tk-[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Who a token proved the caller to be. */
export interface Authenticated {
  readonly employeeId: string;
  readonly tokenId: string;
}

const sha256 = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();

/**
 * Per-employee API tokens: `wdn_<id>_<secret>`, the secret 256 random bits. Only the secret's
 * SHA-256 is stored, and compared in constant time. Issuing and revoking are done by the local
 * operator (whoever holds the key directory: the CLI cannot open the database without it) and
 * ledgered as `x-token.create` / `x-token.revoke` events with `attrs.operator`; a token row
 * whose issuance is not a ledgered leaf agreeing with it is refused.
 */
export class Tokens {
  private readonly check: LedgerCheck;
  private readonly facts: FactReader;

  constructor(
    private readonly store: Store,
    private readonly ledger: Ledger,
    private readonly now: () => string,
  ) {
    this.check = new LedgerCheck(store, ledger);
    this.facts = new FactReader(store, now);
  }

  /** Issues a token for an employee; returns it once (it is not stored). */
  async create(employeeId: string, expiresAt?: string): Promise<{ token: string; id: string }> {
    const employee = await this.facts.employee(employeeId, new Set());
    if (!employee) throw new GuardError('REQUEST_INVALID', `no employee ${employeeId}`);
    if (!employee.active) throw new GuardError('REQUEST_INVALID', `${employeeId} has left`);
    const time = this.now();
    if (expiresAt !== undefined && !(ms(expiresAt) > ms(time))) {
      throw new GuardError('REQUEST_INVALID', `--expires ${expiresAt} is not in the future`);
    }
    const id = `tk-${randomBytes(8).toString('hex')}`;
    const secret = randomBytes(32).toString('base64url');
    const secretHash = sha256(secret);
    const event = operatorEvent('x-token.create', id, time, {
      employee: employeeId,
      secretSha256: secretHash.toString('hex'),
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    const stored: StoredToken = {
      id,
      employee: employeeId,
      secretHash,
      createdAt: time,
      eventId: event.id,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    };
    await this.recorder().write({ event, state: (tx) => tx.putToken(stored) });
    return { token: `${PREFIX}_${id}_${secret}`, id };
  }

  /** Revokes a token (ledgered); later uses are refused. */
  async revoke(id: string): Promise<void> {
    const t = await this.store.tokens.get(id);
    if (!t) throw new GuardError('REQUEST_INVALID', `no token ${id}`);
    const time = this.now();
    const event = operatorEvent('x-token.revoke', id, time, { employee: t.employee });
    await this.recorder().write({
      event,
      state: (tx) => tx.putToken({ ...t, revokedAt: time }),
    });
  }

  list(): Promise<StoredToken[]> {
    return this.store.tokens.list();
  }

  /** The employee a token proves; refuses unknown, forged, revoked, expired and leavers' tokens. */
  async authenticate(token: string): Promise<Authenticated> {
    const m = TOKEN.exec(token.trim());
    const refuse = (why: string): never => {
      throw new GuardError(
        'UNAUTHENTICATED',
        `${why}; ask the operator for a token (warden token create)`,
      );
    };
    if (!m) return refuse('the token is malformed');
    const [, id, secret] = m as unknown as [string, string, string];
    const t = await this.store.tokens.get(id);
    if (!t || t.secretHash.length !== 32 || !timingSafeEqual(sha256(secret), t.secretHash)) {
      return refuse('the token is not known');
    }
    await this.assertIssued(t);
    if (t.revokedAt !== undefined || (await this.revokedInLedger(id)))
      refuse(`token ${id} was revoked`);
    const time = ms(this.now());
    if (t.expiresAt !== undefined && ms(t.expiresAt) <= time)
      refuse(`token ${id} expired at ${t.expiresAt}`);
    const employee = await this.facts.employee(t.employee, new Set());
    if (!employee?.active) refuse(`token ${id} belongs to ${t.employee}, who has left`);
    return { employeeId: t.employee, tokenId: id };
  }

  /** The token row must agree with its ledgered issuance (employee, secret hash, expiry). */
  private async assertIssued(t: StoredToken): Promise<void> {
    const issued = await this.eventById(t.eventId);
    const a = issued?.event.attrs ?? {};
    const agrees =
      issued !== undefined &&
      issued.event.action === 'x-token.create' &&
      issued.event.target.id === t.id &&
      a['employee'] === t.employee &&
      a['secretSha256'] === t.secretHash.toString('hex') &&
      (a['expiresAt'] ?? undefined) === t.expiresAt;
    if (!agrees) {
      throw new GuardError(
        'NOT_IN_LEDGER',
        `token ${t.id} has no ledgered issuance that matches it`,
      );
    }
    await this.check.assertLedgered([issued], `token ${t.id}`);
  }

  private async revokedInLedger(id: string): Promise<boolean> {
    for await (const e of this.store.guard.eventsOf('x-token.revoke', 'allowed')) {
      if (e.event.target.id === id) return true;
    }
    return false;
  }

  // one row by its id: the HTTP API authenticates every request (reading the ledger's records
  // from the leaf on parsed a whole range of rows each time)
  private async eventById(id: string): Promise<LeafEvent | undefined> {
    const leaf = await this.store.ledger.leafOf(id);
    if (leaf === undefined) return undefined;
    const event = (await this.store.events.byIds([id])).get(id);
    return event === undefined ? undefined : { leaf, event };
  }

  private recorder(): Recorder {
    return new Recorder(this.store, this.ledger, this.now);
  }
}

function operatorEvent(
  action: 'x-token.create' | 'x-token.revoke',
  tokenId: string,
  time: string,
  attrs: Record<string, unknown>,
): AccessEvent {
  return {
    id: newId('w'),
    time,
    actor: OPERATOR,
    action,
    target: { type: 'dataset', id: tokenId },
    outcome: 'allowed',
    attrs: { ...attrs, operator: true },
  };
}
