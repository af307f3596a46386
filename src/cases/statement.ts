import { canonicalJson } from '../ledger/index.js';
import { measureEvent } from './appeals.js';
import { sha256Hex } from './bundle-format.js';
import { CaseError } from './errors.js';
import { caseEvent, record, type CaseDeps } from './record.js';

/** How long a seller has to appeal (EU DSA Art. 20(1): at least six months). */
const APPEAL_MONTHS = 6;

/**
 * A statement of reasons to the seller a measure acts on, with what EU DSA Art. 17(3) asks:
 * the measure and its scope, the facts relied on, whether automated means were used, the
 * rule broken, and the redress open to them. It names no employee: the seller learns what was
 * decided and why, not who investigated.
 */
export interface StatementOfReasons {
  readonly measureEvent: string;
  readonly addressee: string;
  readonly decidedAt: string;
  readonly measure: string;
  readonly scope: Readonly<Record<string, unknown>>;
  readonly facts: string;
  readonly rule: string;
  readonly automatedMeans: string;
  readonly redress: {
    readonly appeal: string;
    readonly appealBy: string;
    readonly outOfCourt: string;
    readonly judicial: string;
  };
  /** Hex SHA-256 of the statement's canonical JSON without this field, as ledgered. */
  readonly sha256: string;
}

/** Writes the statement for a carried-out measure on a seller, and ledgers its hash. */
export async function statementOfReasons(
  deps: CaseDeps,
  measureEventId: string,
  actor: string,
): Promise<StatementOfReasons> {
  const { event, enforcement: e } = await measureEvent(deps, measureEventId);
  if (e.measure.startsWith('employee.') || e.measure === 'legal.referral') {
    throw new CaseError('INPUT_INVALID', `${e.measure} is not a measure a seller is told of`);
  }
  const appealBy = new Date(Date.parse(event.time));
  appealBy.setUTCMonth(appealBy.getUTCMonth() + APPEAL_MONTHS);
  const { measure: _m, subject: _s, rule: _r, ...scope } = e;
  const body = {
    measureEvent: event.id,
    addressee: e.subject,
    decidedAt: event.time,
    measure: e.measure,
    scope,
    facts: typeof event.attrs?.['reason'] === 'string' ? event.attrs['reason'] : '',
    rule: e.rule ?? '(not stated)',
    automatedMeans:
      'The conduct was first flagged by automated detection; the decision was taken by people: one asked for it and a second approved it.',
    redress: {
      appeal: `Appeal through the marketplace's complaint system, citing ${event.id}; someone other than who decided will review it.`,
      appealBy: appealBy.toISOString(),
      outOfCourt: 'A certified out-of-court dispute settlement body (EU DSA Art. 21).',
      judicial: 'The courts, at any time.',
    },
  };
  const sha256 = sha256Hex(Buffer.from(canonicalJson(body)));
  const ev = caseEvent({
    actor,
    action: 'x-case.statement',
    target: `case:${event.target.id}`,
    time: deps.now(),
    attrs: { measureEvent: event.id, addressee: e.subject, sha256 },
  });
  await record(deps, ev);
  return { ...body, sha256 };
}
