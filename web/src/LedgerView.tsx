import { useState, type FormEvent } from 'react';
import { all, api, ApiError, type Checkpoint, type Inclusion } from './api';
import { Show } from './Dashboard';
import { useLoad } from './useLoad';
import { fromBase64, verifyInclusion } from './verify';

const LAST = 10;

/** The ledger: its head, the last signed checkpoints, and an event's inclusion proof, checked here. */
export function LedgerView() {
  const [head] = useLoad(
    () => api<Checkpoint & { verifierKey: string }>('/ledger/checkpoint'),
    'head',
  );
  const [checkpoints] = useLoad(
    () => all<Checkpoint>('/ledger/checkpoints').then((l) => l.slice(-LAST).reverse()),
    'checkpoints',
  );
  return (
    <div className="grid">
      <section aria-labelledby="head">
        <h1 id="head">Ledger head</h1>
        <Show it={head}>
          {(c) => (
            <dl className="facts">
              <dt>Records</dt>
              <dd data-testid="ledger-head">{c.ledgerSize}</dd>
              <dt>Last checkpoint</dt>
              <dd>
                size {c.size}, signed {c.createdAt}
              </dd>
              <dt>Root hash</dt>
              <dd>
                <code>{c.rootHash}</code>
              </dd>
              <dt>Verifier key</dt>
              <dd>
                <code>{c.verifierKey}</code>
              </dd>
            </dl>
          )}
        </Show>
      </section>
      <Proof />
      <section aria-labelledby="cps">
        <h2 id="cps">Last {LAST} signed checkpoints</h2>
        <Show it={checkpoints}>
          {(list) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">Size</th>
                  <th scope="col">Signed</th>
                  <th scope="col">Root hash</th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.size}>
                    <td className="num">{c.size}</td>
                    <td>{c.createdAt}</td>
                    <td>
                      <code>{c.rootHash}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Show>
      </section>
    </div>
  );
}

type Checked = Inclusion & { ok: boolean | undefined };

/** Asks the API for an event's inclusion proof and checks it in the browser (RFC 9162). */
function Proof() {
  const [record, setRecord] = useState(
    () => new URLSearchParams(location.hash.split('?')[1]).get('record') ?? '',
  );
  const [result, setResult] = useState<Checked | { error: string } | null>(null);
  const prove = (e: FormEvent): void => {
    e.preventDefault();
    setResult(null);
    api<Inclusion>(`/ledger/inclusion?record=${encodeURIComponent(record.trim())}`)
      .then(async (p) => {
        const ok = crypto.subtle
          ? await verifyInclusion(
              p.index,
              p.treeSize,
              fromBase64(p.leafHash),
              p.proof.map(fromBase64),
              fromBase64(p.rootHash),
            )
          : undefined;
        setResult({ ...p, ok });
      })
      .catch((err: unknown) =>
        setResult({ error: err instanceof ApiError ? `${err.code}: ${err.message}` : String(err) }),
      );
  };
  return (
    <section aria-labelledby="proof">
      <h2 id="proof">Inclusion proof</h2>
      <form onSubmit={prove} className="inline">
        <label>
          Event or record id{' '}
          <input
            value={record}
            onChange={(e) => setRecord(e.target.value)}
            required
            maxLength={300}
          />
        </label>{' '}
        <button type="submit">Prove</button>
      </form>
      <div role="status" aria-live="polite">
        {result && 'error' in result && <p className="error">{result.error}</p>}
        {result && 'index' in result && (
          <dl className="facts" data-testid="proof">
            <dt>Leaf</dt>
            <dd>
              {result.index} of {result.treeSize}
            </dd>
            <dt>Checked here</dt>
            <dd data-testid="proof-verdict">
              {result.ok === undefined
                ? 'cannot check in this page (no WebCrypto on a plain-HTTP origin)'
                : result.ok
                  ? `✔ included: ${result.proof.length} hashes lead to the root`
                  : '✘ the proof does not lead to the root'}
            </dd>
            <dt>Root hash</dt>
            <dd>
              <code>{result.rootHash}</code>
            </dd>
            <dt>Audit path</dt>
            <dd>
              <ol className="hashes">
                {result.proof.map((h, i) => (
                  <li key={i}>
                    <code>{h}</code>
                  </li>
                ))}
              </ol>
            </dd>
          </dl>
        )}
      </div>
    </section>
  );
}
