/** A horizontal bar chart as a list: readable by screen readers, no canvas. */
export function Bars({ label, data }: { label: string; data: [string, number][] }) {
  const max = Math.max(1, ...data.map(([, v]) => v));
  if (data.length === 0) return <p>None.</p>;
  return (
    <ul className="bars" aria-label={label}>
      {data.map(([name, value]) => (
        <li key={name}>
          <span className="bar-label">{name}</span>
          <span className="bar" style={{ width: `${(value / max) * 100}%` }} aria-hidden="true" />
          <span className="num">{value}</span>
        </li>
      ))}
    </ul>
  );
}
