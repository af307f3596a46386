import { useState, type FormEvent } from 'react';
import { api, said } from './api';

interface Suspect {
  employee: string;
  strongest: string;
  couldLeak: boolean;
  inVariant: boolean;
  accesses: number;
}
interface CanaryReport {
  address: string;
  via: 'address' | 'alias';
  canary: { per: string; for: string; plantedAt: string };
  suspects: Suspect[];
}

/**
 * Mail arrived at a canary address (or a relay alias of one): who could have leaked it
 * (`warden canary report`), each access proved in the ledger (the API answers the proofs).
 */
export function CanaryStatus() {
  const [address, setAddress] = useState('');
  const [report, setReport] = useState<CanaryReport | null>(null);
  const [message, setMessage] = useState('');
  const ask = (e: FormEvent): void => {
    e.preventDefault();
    setReport(null);
    api<CanaryReport>(`/attribution/canaries/${encodeURIComponent(address.trim())}`).then(
      (r) => {
        setReport(r);
        const leakers = r.suspects.filter((s) => s.couldLeak).map((s) => s.employee);
        setMessage(
          `${r.address}: the canary planted for ${r.canary.per} ${r.canary.for}; ${
            leakers.length === 0
              ? 'nobody recorded could have had it'
              : `could have leaked it: ${leakers.join(', ')}`
          }`,
        );
      },
      (err: unknown) => setMessage(said(err)),
    );
  };
  return (
    <section aria-labelledby="canary">
      <h2 id="canary">Canary status</h2>
      <form onSubmit={ask} className="inline">
        <label>
          Address mail arrived at{' '}
          <input
            type="email"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            required
            maxLength={320}
          />
        </label>{' '}
        <button type="submit">Check canary</button>
      </form>
      <p role="status" aria-live="polite">
        {message}
      </p>
      {report && report.suspects.length > 0 && (
        <table data-testid="canary-suspects">
          <thead>
            <tr>
              <th scope="col">Employee</th>
              <th scope="col">Strongest access</th>
              <th scope="col">Could leak</th>
              <th scope="col">Accesses</th>
            </tr>
          </thead>
          <tbody>
            {report.suspects.map((s) => (
              <tr key={s.employee}>
                <td>{s.employee}</td>
                <td>{s.strongest}</td>
                <td>{s.couldLeak ? 'yes' : 'no'}</td>
                <td className="num">{s.accesses}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
