import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Alert } from './api';

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const COLOURS = ['#5b7db1', '#b7791f', '#c05621', '#9b2c2c'];

/** Alerts per day of event time, one line per severity (uPlot), with a text summary. */
export function AlertsChart({ alerts }: { alerts: Alert[] }) {
  const box = useRef<HTMLDivElement>(null);
  const data = useMemo(() => perDay(alerts), [alerts]);
  useEffect(() => {
    if (!box.current || data[0].length === 0) return;
    const plot = new uPlot(
      {
        width: Math.max(300, box.current.clientWidth),
        height: 220,
        series: [
          {},
          ...SEVERITIES.map((s, i) => ({ label: s, stroke: COLOURS[i] ?? '#333', width: 2 })),
        ],
        axes: [{}, { label: 'alerts' }],
      },
      data,
      box.current,
    );
    return () => plot.destroy();
  }, [data]);
  const days = data[0].length;
  return (
    <figure>
      <div ref={box} role="img" aria-label={`alerts per day over ${days} days`} />
      <figcaption>
        {alerts.length} alerts over {days} days.
      </figcaption>
    </figure>
  );
}

/** [days (unix s), count per severity…], every day from the first to the last. */
function perDay(alerts: Alert[]): [number[], ...number[][]] {
  const days = new Map<number, number[]>();
  for (const a of alerts) {
    const day = Math.floor(Date.parse(a.eventTime) / 86_400_000) * 86_400;
    const row = days.get(day) ?? SEVERITIES.map(() => 0);
    const i = SEVERITIES.indexOf(a.severity as (typeof SEVERITIES)[number]);
    if (i >= 0) row[i] = (row[i] ?? 0) + 1;
    days.set(day, row);
  }
  const keys = [...days.keys()].sort((a, b) => a - b);
  const first = keys[0];
  const last = keys[keys.length - 1];
  const xs: number[] = [];
  if (first !== undefined && last !== undefined)
    for (let d = first; d <= last; d += 86_400) xs.push(d);
  return [xs, ...SEVERITIES.map((_, i) => xs.map((d) => days.get(d)?.[i] ?? 0))];
}
