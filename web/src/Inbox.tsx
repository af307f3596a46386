import { useState } from 'react';
import { api, all, type Approval, type Me } from './api';
import { Show } from './Dashboard';
import { useLoad } from './useLoad';

/** Pending four-eyes requests: approve or reject through the guard (the API decides who may). */
export function Inbox({ me }: { me: Me }) {
  const [pending, reload] = useLoad(() => all<Approval>('/approvals?status=pending'), 'inbox');
  const [message, setMessage] = useState('');
  const decide = (a: Approval, verb: 'approve' | 'reject'): void => {
    api(`/approvals/${encodeURIComponent(a.id)}/${verb}`, { method: 'POST' }).then(
      () => {
        setMessage(`${a.id}: ${verb === 'approve' ? 'approved' : 'rejected'}`);
        reload();
      },
      (e: unknown) => setMessage(`${a.id}: ${(e as Error).message}`),
    );
  };
  return (
    <section aria-labelledby="inbox">
      <h1 id="inbox">Approvals inbox</h1>
      <p role="status" aria-live="polite">
        {message}
      </p>
      <Show it={pending}>
        {(list) =>
          list.length === 0 ? (
            <p>Nothing is waiting for a second person.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Request</th>
                  <th scope="col">Asked by</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Asked for</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Decide</th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id} data-approval={a.id}>
                    <td>{a.id}</td>
                    <td>{a.requester}</td>
                    <td>{a.action}</td>
                    <td>
                      {a.targetType} {a.targetId}
                    </td>
                    <td>{asked(a)}</td>
                    <td>{a.expiresAt}</td>
                    <td>
                      {a.requester === me.employeeId ? (
                        <button type="button" onClick={() => decide(a, 'reject')}>
                          Withdraw
                        </button>
                      ) : (
                        <>
                          <button
                            type="button"
                            aria-label={`Approve ${a.id}`}
                            onClick={() => decide(a, 'approve')}
                          >
                            Approve
                          </button>{' '}
                          <button
                            type="button"
                            aria-label={`Reject ${a.id}`}
                            onClick={() => decide(a, 'reject')}
                          >
                            Reject
                          </button>
                        </>
                      )}
                    </td>
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

/** What was asked, in a line: the measure and its subject, the reason, the ticket. */
function asked(a: Approval): string {
  let r: {
    reason?: string | null;
    ticket?: string | null;
    enforcement?: { measure?: string; subject?: string };
  } = {};
  try {
    r = JSON.parse(a.request ?? '{}') as typeof r;
  } catch {
    return '';
  }
  const e = r.enforcement;
  return [
    e ? `${e.measure ?? ''} on ${e.subject ?? ''}` : '',
    r.reason ? `“${r.reason}”` : '',
    r.ticket ? `ticket ${r.ticket}` : '',
  ]
    .filter((x) => x !== '')
    .join('; ');
}
