import { checkCaseIndexes } from '../../cases/index.js';
import type { VerifyReport } from '../../ledger/index.js';
import type { Store } from '../../store/index.js';

/** What the case tables' cross-check adds to a verify report. */
export interface CaseIndexSummary {
  /** Ledgered case steps and measures the tables were held to. */
  readonly events: number;
  /** Why the check did not run. */
  readonly note?: string;
}

/**
 * Adds the case tables' cross-check (`cases`, `case_members`, `employee_access`, `outbox`
 * against the allowed `x-case.*` events) to a verify report, reading only. Its problems join
 * the report's, with the cases context's codes (`CASE_INDEX_…`, `CASE_MEMBER_…`,
 * `ACCESS_INDEX_…`, `OUTBOX_…`).
 */
export async function verifyCaseIndexes<R extends VerifyReport>(
  store: Store,
  report: R,
): Promise<R & { cases: CaseIndexSummary }> {
  let checked: Awaited<ReturnType<typeof checkCaseIndexes>>;
  try {
    checked = await checkCaseIndexes(store);
  } catch (error) {
    // an unreadable record the ledger pass already reported can stop this check
    if (report.ok) throw error;
    const why = error instanceof Error ? error.message : String(error);
    return { ...report, cases: { events: 0, note: `not checked: ${why}` } };
  }
  const cases: CaseIndexSummary = { events: checked.checked };
  if (checked.problems.length === 0) return { ...report, cases };
  const first = Math.min(...checked.problems.map((p) => (p.index < 0 ? Infinity : p.index)));
  return {
    ...report,
    ok: false,
    problems: [...report.problems, ...(checked.problems as unknown as VerifyReport['problems'])],
    ...(report.firstBadIndex === undefined && Number.isFinite(first)
      ? { firstBadIndex: first }
      : {}),
    cases,
  };
}
