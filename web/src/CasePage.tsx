import { useState, type FormEvent } from 'react';
import { api, ApiError, type CaseView, type Me, type Timeline } from './api';
import { ActionForm, Reveal } from './CaseActions';
import { Show } from './Dashboard';
import { useLoad } from './useLoad';

const say = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));

/**
 * A case as the API shows it: employees as `person-…` pseudonyms until a second person
 * approves a reveal; every look is ledgered by the API. Notes, the reveal, enforcement
 * actions (the guard and a second person decide) and the timeline with its proofs.
 */
export function CasePage({ id, me }: { id: string; me: Me }) {
  const [view, reload] = useLoad(() => api<CaseView>(`/cases/${encodeURIComponent(id)}`), id);
  return (
    <Show it={view}>
      {(v) => (
        <>
          <section aria-labelledby="case">
            <h1 id="case">{v.case.title}</h1>
            <dl className="facts">
              <dt>Case</dt>
              <dd>{v.case.id}</dd>
              <dt>Status</dt>
              <dd>{v.case.status}</dd>
              <dt>Assignee</dt>
              <dd>{v.case.assignee ?? ''}</dd>
              <dt>Opened</dt>
              <dd>
                {v.case.openedAt} by {v.case.openedBy}
              </dd>
              <dt>Employees</dt>
              <dd data-testid="revealed">
                {v.revealed
                  ? `revealed by ${v.case.revealedBy ?? ''} at ${v.case.revealedAt ?? ''}`
                  : 'pseudonymous (person-…) until a second person approves a reveal'}
              </dd>
              <dt>This look</dt>
              <dd>
                recorded as event <code>{v.lookEvent}</code>
              </dd>
            </dl>
          </section>
          <section aria-labelledby="subjects">
            <h2 id="subjects">Subjects</h2>
            <ul>
              {v.subjects.map((s) => (
                <li key={`${s.kind}:${s.ref}`}>
                  {s.kind} <span className="pseudonym">{s.ref}</span>
                </li>
              ))}
            </ul>
            <h3>Alerts</h3>
            <ul>
              {v.alerts.map((a) => (
                <li key={a.id}>
                  {a.detector} ({a.severity}), {a.eventTime}: {a.summary}
                </li>
              ))}
            </ul>
          </section>
          <Notes
            caseId={v.case.id}
            notes={v.notes}
            open={v.case.status === 'open'}
            onDone={reload}
          />
          {v.case.status === 'open' && !v.revealed && (
            <Reveal
              caseId={v.case.id}
              requestedBy={v.case.revealRequestedBy}
              me={me.employeeId}
              onDone={reload}
            />
          )}
          {v.case.status === 'open' && (
            <ActionForm
              caseId={v.case.id}
              subjects={v.subjects.filter((s) => s.kind === 'seller').map((s) => s.ref)}
            />
          )}
          <TimelineSection caseId={v.case.id} />
        </>
      )}
    </Show>
  );
}

function Notes({
  caseId,
  notes,
  open,
  onDone,
}: {
  caseId: string;
  notes: CaseView['notes'];
  open: boolean;
  onDone: () => void;
}) {
  const [text, setText] = useState('');
  const [message, setMessage] = useState('');
  const add = (e: FormEvent): void => {
    e.preventDefault();
    api(`/cases/${encodeURIComponent(caseId)}/notes`, { method: 'POST', body: { text } }).then(
      () => {
        setText('');
        setMessage('note added');
        onDone();
      },
      (err: unknown) => setMessage(say(err)),
    );
  };
  return (
    <section aria-labelledby="notes">
      <h2 id="notes">Notes</h2>
      {notes.length === 0 ? (
        <p>No note yet.</p>
      ) : (
        <ul>
          {notes.map((n) => (
            <li key={n.eventId}>
              <b>{n.author}</b>, {n.at}: {n.text}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <form onSubmit={add} className="stack">
          <label>
            New note
            <textarea
              value={text}
              onChange={(e) => setText(e.target.value)}
              required
              maxLength={4000}
            />
          </label>
          <button type="submit">Add note</button>
        </form>
      )}
      <p role="status" aria-live="polite">
        {message}
      </p>
    </section>
  );
}

/** The case's events with their inclusion proofs: loaded on demand (each load is ledgered). */
function TimelineSection({ caseId }: { caseId: string }) {
  const [timeline, setTimeline] = useState<Timeline | { error: string } | null>(null);
  const load = (): void => {
    api<Timeline>(`/cases/${encodeURIComponent(caseId)}/timeline`).then(setTimeline, (e: unknown) =>
      setTimeline({ error: say(e) }),
    );
  };
  return (
    <section aria-labelledby="timeline">
      <h2 id="timeline">Timeline</h2>
      <button type="button" onClick={load}>
        Load the timeline
      </button>
      {timeline && 'error' in timeline && (
        <p role="alert" className="error">
          {timeline.error}
        </p>
      )}
      {timeline && 'entries' in timeline && (
        <>
          <p>
            {timeline.entries.length} events, each proved against the signed checkpoint of{' '}
            {timeline.treeSize} records (root <code>{timeline.rootHash}</code>).
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Leaf</th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Proof</th>
              </tr>
            </thead>
            <tbody>
              {timeline.entries.map((e) => (
                <tr key={e.leaf}>
                  <td className="num">{e.leaf}</td>
                  <td>{e.event.time}</td>
                  <td className="pseudonym">{e.event.actor}</td>
                  <td>{e.event.action}</td>
                  <td>
                    {e.event.target.type} {e.event.target.id}
                  </td>
                  <td>
                    <a href={`#/ledger?record=${encodeURIComponent(e.event.id)}`}>
                      {e.proof.length} hashes
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
