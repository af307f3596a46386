import { useState, type FormEvent } from 'react';
import { postText, said } from './api';

interface Accused {
  recipient: string;
  score: number;
  innocentChance: number;
  inverted: boolean;
  exports: string[];
}
interface TableReport {
  file: string;
  exports: number;
  reading?: { figures: number; bits: number; columns: string[] };
  traces: { bound: number; positions: number; length: number }[];
  accused: Accused[];
}

/**
 * Upload a leaked table of figures: the API reads the fingerprint in its figures and scores
 * every recipient of a fingerprinted export (`warden trace export`), naming those beyond the
 * threshold with the bound on accusing an innocent.
 */
export function TraceTable() {
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<TableReport | null>(null);
  const [message, setMessage] = useState('');
  const trace = (e: FormEvent): void => {
    e.preventDefault();
    if (!file) return;
    setReport(null);
    setMessage('tracing…');
    const name = encodeURIComponent(file.name.slice(0, 200));
    void file
      .text()
      .then((text) => postText<TableReport>(`/attribution/exports?name=${name}`, text, 'text/csv'))
      .then((r) => {
        setReport(r);
        setMessage(
          r.exports === 0
            ? `${r.file}: no fingerprinted export in the ledger, nobody to trace`
            : `${r.file}: ${r.reading?.bits ?? 0} figures carry a bit; ${r.accused.length} recipient(s) accused`,
        );
      })
      .catch((err: unknown) => setMessage(said(err)));
  };
  return (
    <section aria-labelledby="trace-table">
      <h2 id="trace-table">Trace a leaked table of figures</h2>
      <form onSubmit={trace} className="inline">
        <label>
          Leaked table (CSV){' '}
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            required
          />
        </label>{' '}
        <button type="submit">Find its recipients</button>
      </form>
      <p role="status" aria-live="polite">
        {message}
      </p>
      {report && report.accused.length > 0 && (
        <table data-testid="accused">
          <caption>
            Accused (anyone innocent passes with probability ≤{' '}
            {Math.max(...report.traces.map((t) => t.bound)).toExponential(1)})
          </caption>
          <thead>
            <tr>
              <th scope="col">Recipient</th>
              <th scope="col">Score</th>
              <th scope="col">Innocent chance ≤</th>
              <th scope="col">Exports received</th>
            </tr>
          </thead>
          <tbody>
            {report.accused.map((a) => (
              <tr key={a.recipient}>
                <td>
                  <a href={`#/employee/${encodeURIComponent(a.recipient)}`}>{a.recipient}</a>
                  {a.inverted ? ' (a flipped copy)' : ''}
                </td>
                <td className="num">{a.score.toFixed(1)}</td>
                <td className="num">{a.innocentChance.toExponential(1)}</td>
                <td>
                  {a.exports.map((x) => (
                    <a key={x} href={`#/ledger?record=${encodeURIComponent(x)}`}>
                      {x}{' '}
                    </a>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
