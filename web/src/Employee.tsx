import { api, type Alert, type RiskReason } from './api';
import { Show } from './Dashboard';
import { useLoad } from './useLoad';

interface Explanation {
  employeeId: string;
  score: number;
  reasons: RiskReason[];
  alerts: Alert[];
  timeline: {
    id: string;
    time: string;
    action: string;
    target: { type: string; id: string };
    ticket?: string;
    indicators: string[];
  }[];
  baseline: { peerGroup: string; peerRate: number; workedDays: number; unjustified: number };
}

/** One employee: score, reasons with the events they cite, a timeline, baseline against actual. */
export function Employee({ id }: { id: string }) {
  const [x] = useLoad(() => api<Explanation>(`/employees/${encodeURIComponent(id)}/explain`), id);
  return (
    <article aria-labelledby="emp">
      <h1 id="emp">Employee {id}</h1>
      <Show it={x}>{(e) => <Body e={e} />}</Show>
    </article>
  );
}

function Body({ e }: { e: Explanation }) {
  const b = e.baseline;
  const own = b.workedDays === 0 ? 0 : b.unjustified / b.workedDays;
  return (
    <>
      <p className="score">
        Risk score <b data-testid="score">{e.score}</b> of 100
      </p>
      <section aria-labelledby="reasons">
        <h2 id="reasons">Reasons</h2>
        {e.reasons.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {e.reasons.map((r) => (
              <li key={r.indicator + r.detail}>
                <b>{r.indicator}</b>: {r.detail}{' '}
                <span className="cited">cites {r.events.join(', ') || 'no event'}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="baseline">
        <h2 id="baseline">Baseline against actual</h2>
        <dl className="facts">
          <dt>Peer group {b.peerGroup}: accesses without purpose per worked day (median)</dt>
          <dd>{b.peerRate.toFixed(2)}</dd>
          <dt>{e.employeeId}: accesses without purpose per worked day</dt>
          <dd>{own.toFixed(2)}</dd>
          <dt>Worked days seen</dt>
          <dd>{b.workedDays}</dd>
        </dl>
      </section>
      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline of the {e.timeline.length} cited events</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Ticket</th>
              <th scope="col">Indicators</th>
            </tr>
          </thead>
          <tbody>
            {e.timeline.map((t) => (
              <tr key={t.id}>
                <td>{t.time}</td>
                <td>{t.id}</td>
                <td>{t.action}</td>
                <td>
                  {t.target.type} {t.target.id}
                </td>
                <td>{t.ticket ?? ''}</td>
                <td>{t.indicators.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
