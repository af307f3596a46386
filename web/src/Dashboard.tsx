import { all, api, type Alert, type Checkpoint, type Page, type RiskEntry } from './api';
import { AlertsChart } from './AlertsChart';
import { Bars } from './Bars';
import { useLoad, type Loaded } from './useLoad';

/** The first view: who is riskiest, alerts over time, which detectors fire, the ledger's head. */
export function Dashboard({ can }: { can: (scope: string) => boolean }) {
  return (
    <div className="grid">
      {can('findings') && <Findings />}
      {can('ledger') && <Ledger />}
    </div>
  );
}

function Findings() {
  const [risk] = useLoad(() => api<Page<RiskEntry>>('/risk?limit=15'), 'risk');
  const [alerts] = useLoad(() => all<Alert>('/alerts?severity=low'), 'alerts');
  return (
    <>
      <section aria-labelledby="lb">
        <h2 id="lb">Risk leaderboard</h2>
        <Show it={risk}>{(p) => <Leaderboard risk={p.items} />}</Show>
      </section>
      <section aria-labelledby="aot">
        <h2 id="aot">Alerts over time</h2>
        <Show it={alerts}>{(a) => <AlertsChart alerts={a} />}</Show>
      </section>
      <section aria-labelledby="mix">
        <h2 id="mix">Detector mix</h2>
        <Show it={alerts}>{(a) => <Bars label="alerts per detector" data={count(a)} />}</Show>
      </section>
    </>
  );
}

function Leaderboard({ risk }: { risk: RiskEntry[] }) {
  if (risk.length === 0) return <p>No employee has a risk score.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Employee</th>
          <th scope="col">Score</th>
          <th scope="col">Top reason</th>
        </tr>
      </thead>
      <tbody>
        {risk.map((r) => (
          <tr key={r.employeeId}>
            <td>
              <a href={`#/employee/${encodeURIComponent(r.employeeId)}`}>{r.employeeId}</a>
            </td>
            <td className="num">{r.score}</td>
            <td>{r.reasons[0]?.detail ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Ledger() {
  const [cp] = useLoad(() => api<Checkpoint>('/ledger/checkpoint'), 'cp');
  return (
    <section aria-labelledby="ledger">
      <h2 id="ledger">Ledger</h2>
      <Show it={cp}>
        {(c) => (
          <dl className="facts">
            <dt>Head (records)</dt>
            <dd data-testid="ledger-size">{c.ledgerSize}</dd>
            <dt>Last checkpoint</dt>
            <dd>
              size {c.size}, signed {c.createdAt}
            </dd>
            <dt>Root hash</dt>
            <dd>
              <code>{c.rootHash}</code>
            </dd>
            <dt>Log</dt>
            <dd>{c.note.split('\n')[0]}</dd>
          </dl>
        )}
      </Show>
    </section>
  );
}

/** Alerts per detector, most first. */
function count(alerts: Alert[]): [string, number][] {
  const m = new Map<string, number>();
  for (const a of alerts) m.set(a.detector, (m.get(a.detector) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]);
}

/** A loading line, the error, or the loaded value rendered. */
export function Show<T>({ it, children }: { it: Loaded<T>; children: (v: T) => React.ReactNode }) {
  if (it.state === 'loading') return <p className="loading">Loading…</p>;
  if (it.state === 'error')
    return (
      <p role="alert" className="error">
        {it.message}
      </p>
    );
  return <>{children(it.value)}</>;
}
