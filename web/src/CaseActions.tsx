import { useState, type FormEvent } from 'react';
import { api, ApiError, type GuardResult } from './api';

/** The measures of `warden action take`, grouped by what they act on. */
const MEASURES = [
  'seller.suspend',
  'seller.terminate',
  'seller.reinstate',
  'funds.withhold',
  'funds.release',
  'reviews.remove',
  'reviews.restore',
  'employee.suspend',
  'employee.revoke',
  'employee.reinstate',
  'legal.referral',
];

const say = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));

/**
 * Asks for an enforcement measure under the case. The guard decides (the policies): the first
 * ask is pending for a second person (the approvals inbox); once approved, the requester
 * carries it out with the approval's id.
 */
export function ActionForm({ caseId, subjects }: { caseId: string; subjects: string[] }) {
  const [measure, setMeasure] = useState('seller.suspend');
  const [subject, setSubject] = useState(subjects[0] ?? '');
  const [reason, setReason] = useState('');
  const [rule, setRule] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('');
  const [reviews, setReviews] = useState('');
  const [approvalId, setApprovalId] = useState('');
  const [message, setMessage] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setMessage('');
    const ids = reviews
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
    const body = {
      measure,
      subject,
      reason,
      ...(rule ? { rule } : {}),
      ...(amount ? { amount: Number(amount) } : {}),
      ...(currency ? { currency } : {}),
      ...(ids.length > 0 ? { reviews: ids } : {}),
      ...(approvalId ? { approvalId } : {}),
    };
    api<GuardResult>(`/cases/${encodeURIComponent(caseId)}/actions`, { method: 'POST', body }).then(
      (r) =>
        setMessage(
          r.outcome === 'pending'
            ? `pending: a second person approves ${r.approvalId ?? ''} in the approvals inbox`
            : `carried out (event ${r.eventId})`,
        ),
      (err: unknown) => setMessage(say(err)),
    );
  };
  const id = (name: string): string => `act-${name}`;
  return (
    <section aria-labelledby="act" className="panel">
      <h2 id="act">Request an enforcement action</h2>
      <form onSubmit={submit} className="stack">
        <label htmlFor={id('measure')}>Measure</label>
        <select id={id('measure')} value={measure} onChange={(e) => setMeasure(e.target.value)}>
          {MEASURES.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <label>
          Subject (seller or employee id)
          <input
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
            required
            maxLength={128}
          />
        </label>
        <label>
          Reason (the facts relied on)
          <textarea
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            maxLength={4000}
          />
        </label>
        <label>
          Rule broken (for measures a seller is told of)
          <input value={rule} onChange={(e) => setRule(e.target.value)} maxLength={500} />
        </label>
        {measure.startsWith('funds.') && (
          <>
            <label>
              Amount (minor units)
              <input
                inputMode="numeric"
                pattern="[0-9]+"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
              />
            </label>
            <label>
              Currency (ISO 4217)
              <input
                value={currency}
                onChange={(e) => setCurrency(e.target.value.toUpperCase())}
                maxLength={3}
              />
            </label>
          </>
        )}
        {measure.startsWith('reviews.') && (
          <label>
            Reviews (comma-separated ids)
            <input value={reviews} onChange={(e) => setReviews(e.target.value)} />
          </label>
        )}
        <label>
          Approval id (to carry out an approved request)
          <input
            value={approvalId}
            onChange={(e) => setApprovalId(e.target.value)}
            maxLength={200}
          />
        </label>
        <button type="submit">Request action</button>
      </form>
      <p role="status" aria-live="polite" data-testid="action-outcome">
        {message}
      </p>
    </section>
  );
}

/** Asks for the reveal of the case's employees, or approves another person's ask. */
export function Reveal({
  caseId,
  requestedBy,
  me,
  onDone,
}: {
  caseId: string;
  requestedBy: string | undefined;
  me: string;
  onDone: () => void;
}) {
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const post = (path: string, body?: object): void => {
    api(`/cases/${encodeURIComponent(caseId)}/${path}`, {
      method: 'POST',
      ...(body ? { body } : {}),
    }).then(
      () => {
        setMessage(path === 'reveal' ? 'reveal asked: a second person approves it' : 'revealed');
        onDone();
      },
      (e: unknown) => setMessage(say(e)),
    );
  };
  const ask = (e: FormEvent): void => {
    e.preventDefault();
    post('reveal', { reason });
  };
  return (
    <section aria-labelledby="reveal" className="panel">
      <h2 id="reveal">Reveal the employees</h2>
      {requestedBy === undefined ? (
        <form onSubmit={ask} className="inline">
          <label>
            Why they must be named{' '}
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              required
              maxLength={500}
            />
          </label>{' '}
          <button type="submit">Ask for the reveal</button>
        </form>
      ) : requestedBy === me ? (
        <p>You asked for the reveal: a second person approves it.</p>
      ) : (
        <p>
          {requestedBy} asked for the reveal.{' '}
          <button type="button" onClick={() => post('reveal/approve')}>
            Approve the reveal
          </button>
        </p>
      )}
      <p role="status" aria-live="polite">
        {message}
      </p>
    </section>
  );
}
