import pc from 'picocolors';
import type { CaseView, Timeline } from '../../cases/index.js';
import { heading, table } from '../render.js';

/** A case as text: its state, subjects, alerts and notes. */
export function caseText(v: CaseView): string {
  const c = v.case;
  const who = v.revealed
    ? pc.yellow(`revealed (approved by ${c.revealedBy ?? '?'} at ${c.revealedAt ?? '?'})`)
    : c.revealRequestedBy
      ? `pseudonymous (reveal asked by ${c.revealRequestedBy}, waiting for a second person)`
      : 'pseudonymous';
  return [
    `${pc.bold(c.id)} — ${c.title}`,
    `status ${c.status}; assignee ${c.assignee ?? '(none)'}; opened ${c.openedAt} by ${c.openedBy}; employees ${who}`,
    heading('subjects'),
    v.subjects.length === 0
      ? '(none)'
      : table(
          ['kind', 'id'],
          v.subjects.map((s) => [s.kind, s.ref]),
        ),
    heading('alerts'),
    v.alerts.length === 0
      ? '(none)'
      : table(
          ['alert', 'detector', 'severity', 'summary'],
          v.alerts.map((a) => [a.id, a.detector, a.severity, a.summary]),
        ),
    heading('notes'),
    v.notes.length === 0
      ? '(none)'
      : table(
          ['at', 'by', 'note'],
          v.notes.map((n) => [n.at, n.author, n.text]),
        ),
    `(this look is recorded as event ${v.lookEvent})`,
  ].join('\n');
}

/** A timeline as text: one row per event, and the checkpoint every proof is against. */
export function timelineText(t: Timeline): string {
  return [
    `${pc.bold(t.view.case.id)}: ${t.entries.length} events, each proved against the signed checkpoint of ${t.treeSize} leaves (root ${t.rootHash.slice(0, 16)}…)`,
    t.entries.length === 0
      ? '(no events)'
      : table(
          ['leaf', 'time', 'actor', 'action', 'target', 'outcome', 'proof'],
          t.entries.map((e) => [
            e.leaf,
            e.event.time,
            e.event.actor,
            e.event.action,
            `${e.event.target.type} ${e.event.target.id}`,
            e.event.outcome ?? '',
            `${pc.green('✔')} ${e.proof.length} hashes`,
          ]),
        ),
  ].join('\n');
}
