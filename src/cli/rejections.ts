import { formatIssue, type InputIssue, type RejectionSummary } from '../ingest/index.js';

/** Rejections shown on the terminal; the rest are in the rejects file and counted per code. */
export const REJECTIONS_SHOWN = 20;

/**
 * A readable account of an import's rejections: the first 20 as `file:line: [CODE] …`, how
 * many more, a count per code, and the rejects file that holds every one of them.
 */
export function formatRejections(
  issues: readonly InputIssue[],
  summary: RejectionSummary,
): string[] {
  const shown = issues.slice(0, REJECTIONS_SHOWN);
  const lines = shown.map((issue) => `  ${formatIssue(issue)}`);
  if (summary.rejected > shown.length) {
    lines.push(`  … and ${(summary.rejected - shown.length).toLocaleString('en')} more`);
  }
  const counts = Object.entries(summary.byCode)
    .sort(([a, x], [b, y]) => (y ?? 0) - (x ?? 0) || a.localeCompare(b))
    .map(([code, n]) => `${code} ${(n ?? 0).toLocaleString('en')}`);
  lines.push(`rejected lines by code: ${counts.join(', ')}`);
  if (summary.rejectsFile !== undefined) {
    lines.push(`every rejected line, with its text, is in ${summary.rejectsFile}`);
  }
  return lines;
}
