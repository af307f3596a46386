import { useState, type FormEvent } from 'react';
import { all, api, ApiError, type Case } from './api';
import { Show } from './Dashboard';
import { useLoad } from './useLoad';

interface Appeal {
  id: string;
  caseId: string;
  appellant: string;
  grounds: string;
  filedAt: string;
  outcome?: string;
  decidedBy?: string;
}

/** Every case, newest first, a form to open one, and the appeals against measures. */
export function Cases() {
  return (
    <>
      <CaseList />
      <Appeals />
    </>
  );
}

function Appeals() {
  const [appeals, reload] = useLoad(() => all<Appeal>('/appeals'), 'appeals');
  const [message, setMessage] = useState('');
  return (
    <section aria-labelledby="appeals">
      <h2 id="appeals">Appeals</h2>
      <Show it={appeals}>
        {(list) =>
          list.length === 0 ? (
            <p>No appeal was filed.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Appeal</th>
                  <th scope="col">Case</th>
                  <th scope="col">Appellant</th>
                  <th scope="col">Grounds</th>
                  <th scope="col">Filed</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id} data-appeal={a.id}>
                    <td>{a.id}</td>
                    <td>
                      <a href={`#/case/${encodeURIComponent(a.caseId)}`}>{a.caseId}</a>
                    </td>
                    <td>{a.appellant}</td>
                    <td>{a.grounds}</td>
                    <td>{a.filedAt}</td>
                    <td>
                      {a.outcome ? (
                        `${a.outcome} by ${a.decidedBy ?? ''}`
                      ) : (
                        <Decide
                          appeal={a}
                          onDone={(text) => {
                            setMessage(text);
                            reload();
                          }}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
      <p role="status" aria-live="polite">
        {message}
      </p>
    </section>
  );
}

/**
 * Deciding a pending appeal (`POST /v1/appeals/{id}/decide`): the API refuses whoever took or
 * approved the measure, and any subject of its case. An overturned measure names its reversal,
 * asked for on the case page like any measure (two people).
 */
function Decide({ appeal, onDone }: { appeal: Appeal; onDone: (message: string) => void }) {
  const [outcome, setOutcome] = useState('upheld');
  const [decision, setDecision] = useState('');
  const decide = (e: FormEvent): void => {
    e.preventDefault();
    api<{ reversal?: string }>(`/appeals/${encodeURIComponent(appeal.id)}/decide`, {
      method: 'POST',
      body: { outcome, decision },
    }).then(
      (r) =>
        onDone(
          `${appeal.id}: ${outcome}${r.reversal ? `; reverse the measure with ${r.reversal} on case ${appeal.caseId}` : ''}`,
        ),
      (err: unknown) =>
        onDone(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)),
    );
  };
  return (
    <form onSubmit={decide} className="inline">
      pending{' '}
      <label>
        Outcome of {appeal.id}{' '}
        <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          <option>upheld</option>
          <option>overturned</option>
        </select>
      </label>{' '}
      <label>
        Reasons for {appeal.id}{' '}
        <input
          value={decision}
          onChange={(e) => setDecision(e.target.value)}
          required
          maxLength={4000}
        />
      </label>{' '}
      <button type="submit" aria-label={`Decide ${appeal.id}`}>
        Decide
      </button>
    </form>
  );
}

function CaseList() {
  const [cases] = useLoad(() => all<Case>('/cases'), 'cases');
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const open = (e: FormEvent): void => {
    e.preventDefault();
    api<Case>('/cases', { method: 'POST', body: { title } }).then(
      (c) => {
        setTitle('');
        location.hash = `#/case/${encodeURIComponent(c.id)}`;
      },
      (err: unknown) =>
        setMessage(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)),
    );
  };
  return (
    <section aria-labelledby="cases">
      <h1 id="cases">Cases</h1>
      <form onSubmit={open} className="inline">
        <label>
          Title of a new case{' '}
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            maxLength={200}
          />
        </label>{' '}
        <button type="submit">Open case</button>
      </form>
      <p role="status" aria-live="polite">
        {message}
      </p>
      <Show it={cases}>
        {(list) =>
          list.length === 0 ? (
            <p>No case yet: escalate an alert from the queue, or open one above.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Case</th>
                  <th scope="col">Status</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">Opened</th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <a href={`#/case/${encodeURIComponent(c.id)}`}>{c.title}</a>
                    </td>
                    <td>{c.status}</td>
                    <td>{c.assignee ?? ''}</td>
                    <td>{c.openedAt}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}
