import type { Timeline } from './timeline.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Every value in the page is data from the ledger or an investigator: escaped, never markup. */
function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function rows(cells: readonly (readonly unknown[])[]): string {
  return cells.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
}

/**
 * A readable summary of the bundle: the case, its subjects, alerts and notes, and the
 * timeline. It is a convenience: what proves anything is the records, proofs and checkpoint.
 * No script, no external resource (a bundle is read offline, perhaps by a court).
 */
export function summaryHtml(t: Timeline, exportedAt: string): string {
  const c = t.view.case;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Case ${esc(c.id)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px;font-size:90%}</style>
</head><body>
<h1>Case ${esc(c.id)}: ${esc(c.title)}</h1>
<p>Status ${esc(c.status)}; opened ${esc(c.openedAt)} by ${esc(c.openedBy)}; exported ${esc(exportedAt)}.</p>
<h2>Subjects</h2>
<table><tr><th>kind</th><th>id</th></tr>
${rows(t.view.subjects.map((s) => [s.kind, s.ref]))}
</table>
<h2>Alerts</h2>
<table><tr><th>alert</th><th>detector</th><th>severity</th><th>summary</th></tr>
${rows(t.view.alerts.map((a) => [a.id, a.detector, a.severity, a.summary]))}
</table>
<h2>Notes</h2>
<table><tr><th>at</th><th>by</th><th>note</th></tr>
${rows(t.view.notes.map((n) => [n.at, n.author, n.text]))}
</table>
<h2>Timeline</h2>
<p>${t.entries.length} events, each with an inclusion proof against the signed checkpoint of
${t.treeSize} leaves (root ${esc(t.rootHash)}). Check with: <code>warden evidence verify DIR</code>.</p>
<table><tr><th>leaf</th><th>time</th><th>actor</th><th>action</th><th>target</th><th>outcome</th></tr>
${rows(t.entries.map((e) => [e.leaf, e.event.time, e.event.actor, e.event.action, `${e.event.target.type} ${e.event.target.id}`, e.event.outcome ?? '']))}
</table>
</body></html>
`;
}
