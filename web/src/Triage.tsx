import { useState, type FormEvent } from 'react';
import { api, ApiError, type Alert } from './api';

/** A year ahead at most (the API refuses more); a month is the default suppression. */
const inDays = (days: number): string =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 16);

/**
 * Triage of one alert: acknowledge, escalate into a new case, or dismiss with a reason until a
 * time. Each is a ledgered step of the API; the outcome is announced in a live region.
 */
export function TriagePanel({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const [message, setMessage] = useState('');
  const [caseId, setCaseId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(inDays(30));
  const say = (e: unknown): void =>
    setMessage(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
  const act = (verb: 'acknowledge' | 'escalate', body?: object): void => {
    setMessage('');
    api<{ caseId?: string }>(`/alerts/${encodeURIComponent(alert.id)}/${verb}`, {
      method: 'POST',
      ...(body ? { body } : {}),
    }).then((r) => {
      if (r.caseId) setCaseId(r.caseId);
      setMessage(verb === 'acknowledge' ? `${alert.id}: acknowledged` : `${alert.id}: escalated`);
      onDone();
    }, say);
  };
  const dismiss = (e: FormEvent): void => {
    e.preventDefault();
    api(`/alerts/${encodeURIComponent(alert.id)}/dismiss`, {
      method: 'POST',
      body: { reason, until: new Date(until).toISOString() },
    }).then(() => {
      setMessage(`${alert.id}: dismissed until ${until.replace('T', ' ')}`);
      onDone();
    }, say);
  };
  return (
    <section aria-labelledby="triage" className="panel">
      <h2 id="triage">
        Triage {alert.id}: {alert.detector} ({alert.severity})
      </h2>
      <p>{alert.summary}</p>
      <div className="actions">
        <button type="button" onClick={() => act('acknowledge')}>
          Acknowledge
        </button>{' '}
        <button type="button" onClick={() => act('escalate', {})}>
          Escalate into a new case
        </button>
      </div>
      <form onSubmit={dismiss} className="inline">
        <label>
          Dismissal reason{' '}
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            maxLength={500}
          />
        </label>{' '}
        <label>
          Suppressed until{' '}
          <input
            type="datetime-local"
            value={until}
            min={inDays(0)}
            max={inDays(365)}
            onChange={(e) => setUntil(e.target.value)}
            required
          />
        </label>{' '}
        <button type="submit">Dismiss</button>
      </form>
      <p role="status" aria-live="polite">
        {message}
        {caseId && (
          <>
            {' '}
            <a href={`#/case/${encodeURIComponent(caseId)}`}>Open case {caseId}</a>
          </>
        )}
      </p>
    </section>
  );
}
