import { useState, type FormEvent } from 'react';
import { ApiError, session } from './api';

interface Named {
  employee: string;
  aliases: number;
  revealed: number;
  viewed: number;
}
interface Traced {
  address: string;
  lines: number[];
  match: string;
  accesses: { employee: string; kind: string; time: string; eventId: string }[];
}
interface Report {
  file: string;
  lines: number;
  named: Named[];
  addresses: Traced[];
  head: { size: number };
}

/**
 * Upload a leaked list of addresses (CSV, text, mail headers): the API traces each relay alias
 * to the employee who received it and each plain address to who was shown it, every access
 * with its inclusion proof (`warden trace emails`). The file is read here and sent as text.
 */
export function Attribution() {
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [message, setMessage] = useState('');
  const trace = (e: FormEvent): void => {
    e.preventDefault();
    if (!file) return;
    setReport(null);
    setMessage('tracing…');
    void file
      .text()
      .then((text) =>
        fetch(`/v1/attribution/emails?name=${encodeURIComponent(file.name.slice(0, 200))}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${session.get() ?? ''}`,
            'content-type': 'text/plain; charset=utf-8',
          },
          body: text,
        }),
      )
      .then(async (res) => {
        const data: unknown = await res.json().catch(() => ({}));
        if (!res.ok) {
          const err = (data as { error?: { code?: string; message?: string } }).error;
          throw new ApiError(res.status, err?.code ?? 'HTTP', err?.message ?? res.statusText);
        }
        const r = data as Report;
        setReport(r);
        setMessage(
          `${r.file}: ${r.addresses.length} addresses; ${r.named.length} employee(s) named`,
        );
      })
      .catch((err: unknown) =>
        setMessage(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)),
      );
  };
  return (
    <section aria-labelledby="attr">
      <h1 id="attr">Trace a leaked list</h1>
      <form onSubmit={trace} className="inline">
        <label>
          Leaked file (CSV or text){' '}
          <input
            type="file"
            accept=".csv,.txt,.eml,text/plain,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            required
          />
        </label>{' '}
        <button type="submit">Trace</button>
      </form>
      <p role="status" aria-live="polite">
        {message}
      </p>
      {report && (
        <>
          <h2>Employees the leak leads to</h2>
          {report.named.length === 0 ? (
            <p>Nobody.</p>
          ) : (
            <table data-testid="named">
              <thead>
                <tr>
                  <th scope="col">Employee</th>
                  <th scope="col">Leaked aliases they received</th>
                  <th scope="col">Addresses shown to them</th>
                  <th scope="col">Reviewers they viewed</th>
                </tr>
              </thead>
              <tbody>
                {report.named.map((n) => (
                  <tr key={n.employee}>
                    <td>
                      <a href={`#/employee/${encodeURIComponent(n.employee)}`}>{n.employee}</a>
                    </td>
                    <td className="num">{n.aliases}</td>
                    <td className="num">{n.revealed}</td>
                    <td className="num">{n.viewed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Addresses</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Address</th>
                <th scope="col">What it is</th>
                <th scope="col">Accesses (each proved in the ledger)</th>
              </tr>
            </thead>
            <tbody>
              {report.addresses.map((a) => (
                <tr key={a.address}>
                  <td>{a.lines.join(', ')}</td>
                  <td>{a.address}</td>
                  <td>{a.match}</td>
                  <td>
                    {a.accesses.map((x) => (
                      <div key={x.eventId}>
                        {x.employee} {x.kind} {x.time}{' '}
                        <a href={`#/ledger?record=${encodeURIComponent(x.eventId)}`}>proof</a>
                      </div>
                    ))}
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
