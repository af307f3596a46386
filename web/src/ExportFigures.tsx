import { useEffect, useState, type FormEvent } from 'react';
import { api, said, type GuardResult } from './api';

interface Exported extends GuardResult {
  data?: { export?: { id: string; marked: number; sha256: string; csv: string } };
}

/**
 * A seller's figures handed out through the guard (`POST /v1/exports`): the copy is
 * fingerprinted for whoever asks, so a leaked copy traces back to them; it is offered for
 * download only when the guard allows the export.
 */
export function ExportFigures() {
  const [seller, setSeller] = useState('');
  const [ticket, setTicket] = useState('');
  const [approval, setApproval] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [message, setMessage] = useState('');
  const [download, setDownload] = useState<{ url: string; name: string } | null>(null);
  useEffect(
    () => () => {
      if (download) URL.revokeObjectURL(download.url);
    },
    [download],
  );
  const ask = (e: FormEvent): void => {
    e.preventDefault();
    if (!file) return;
    setDownload(null);
    void file
      .text()
      .then((figures) =>
        api<Exported>('/exports', {
          method: 'POST',
          body: {
            sellerId: seller.trim(),
            figures,
            name: file.name.slice(0, 200),
            ...(ticket ? { ticketId: ticket.trim() } : {}),
            ...(approval ? { approvalId: approval.trim() } : {}),
          },
        }),
      )
      .then((r) => {
        const x = r.data?.export;
        if (r.outcome === 'pending') {
          setMessage(`pending: a second person approves ${r.approvalId ?? ''}`);
        } else if (x) {
          const url = URL.createObjectURL(new Blob([x.csv], { type: 'text/csv' }));
          setDownload({ url, name: `${seller.trim()}-${x.id}.csv` });
          setMessage(
            `export ${x.id}: ${x.marked} figures fingerprinted for you (event ${r.eventId})`,
          );
        }
      })
      .catch((err: unknown) => setMessage(said(err)));
  };
  return (
    <section aria-labelledby="export">
      <h1 id="export">Export a seller’s figures</h1>
      <p className="hint">
        Your copy is fingerprinted for you: if it leaks, it names you. The guard decides on the
        figures as they are (their rows and columns).
      </p>
      <form onSubmit={ask} className="stack">
        <label>
          Seller id{' '}
          <input
            value={seller}
            onChange={(e) => setSeller(e.target.value)}
            required
            maxLength={200}
          />
        </label>
        <label>
          Ticket (the purpose){' '}
          <input value={ticket} onChange={(e) => setTicket(e.target.value)} maxLength={200} />
        </label>
        <label>
          Figures (CSV: seller, period, figure columns){' '}
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            required
          />
        </label>
        <label>
          Approval id (to carry out an approved export){' '}
          <input value={approval} onChange={(e) => setApproval(e.target.value)} maxLength={200} />
        </label>
        <button type="submit">Request export</button>
      </form>
      <p role="status" aria-live="polite" data-testid="export-outcome">
        {message}
      </p>
      {download && (
        <a href={download.url} download={download.name}>
          Download {download.name}
        </a>
      )}
    </section>
  );
}
