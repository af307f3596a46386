import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { all, TRIAGE_STATES, type Alert, type AlertTriage } from './api';
import { Show } from './Dashboard';
import { TriagePanel } from './Triage';
import { useLoad } from './useLoad';

const ROW = 36;

/**
 * Every alert at or above a severity, newest first, with its triage state and filtered by it
 * (the API filters: `?triage=`), virtualised (only visible rows exist).
 */
export function AlertQueue({ canTriage = false }: { canTriage?: boolean }) {
  const [floor, setFloor] = useState('medium');
  const [state, setState] = useState('');
  const query = `/alerts?severity=${floor}${state ? `&triage=${state}` : ''}`;
  const [alerts, reload] = useLoad(() => all<Alert>(query), query);
  const [picked, setPicked] = useState<Alert | null>(null);
  return (
    <section aria-labelledby="queue">
      <h1 id="queue">Alert queue</h1>
      <label>
        Severity at least{' '}
        <select value={floor} onChange={(e) => setFloor(e.target.value)}>
          {['low', 'medium', 'high', 'critical'].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        Triage state{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">any</option>
          <option value="new,acknowledged">open (new or acknowledged)</option>
          {TRIAGE_STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      {picked && <TriagePanel key={picked.id} alert={picked} onDone={reload} />}
      <Show it={alerts}>
        {(a) => <Rows alerts={a} {...(canTriage ? { onTriage: setPicked } : {})} />}
      </Show>
    </section>
  );
}

/** The state as a cell: who took the step, and where an escalated alert went. */
function TriageCell({ triage }: { triage: AlertTriage | undefined }) {
  if (!triage) return <span />;
  const by = triage.by ? ` by ${triage.by}` : '';
  return (
    <span className={`state state-${triage.state}`} title={`${triage.state}${by}`}>
      {triage.caseId ? (
        <a href={`#/case/${encodeURIComponent(triage.caseId)}`}>{triage.state}</a>
      ) : (
        triage.state
      )}
    </span>
  );
}

function Rows({ alerts, onTriage }: { alerts: Alert[]; onTriage?: (a: Alert) => void }) {
  const newest = useMemo(() => [...alerts].reverse(), [alerts]);
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: newest.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 10,
  });
  return (
    <>
      <p data-testid="alert-count">{newest.length} alerts</p>
      <div className={`row head${onTriage ? ' triage' : ''}`} aria-hidden="true">
        <span>time</span>
        <span>severity</span>
        <span>employee</span>
        <span>detector</span>
        <span>summary</span>
        <span>state</span>
        {onTriage && <span>triage</span>}
      </div>
      <div
        ref={scroller}
        className="queue"
        role="list"
        aria-label="alerts, newest first"
        tabIndex={0}
      >
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((item) => {
            const a = newest[item.index];
            if (!a) return null;
            return (
              <div
                key={a.id}
                role="listitem"
                className={`row sev-${a.severity}${onTriage ? ' triage' : ''}`}
                style={{ position: 'absolute', top: 0, transform: `translateY(${item.start}px)` }}
              >
                <span>{a.eventTime.slice(0, 16).replace('T', ' ')}</span>
                <span>{a.severity}</span>
                <a href={`#/employee/${encodeURIComponent(a.employeeId)}`}>{a.employeeId}</a>
                <span>{a.detector}</span>
                <span className="summary">{a.summary}</span>
                <TriageCell triage={a.triage} />
                {onTriage && (
                  <button type="button" aria-label={`Triage ${a.id}`} onClick={() => onTriage(a)}>
                    Triage
                  </button>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}
