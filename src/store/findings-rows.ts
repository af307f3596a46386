import type { Findings } from '../domain/index.js';
import type { StoredFindings } from './ports.js';

// The findings' row as both SQL adapters write and read it (the same columns in SQLite and
// PostgreSQL).

/** The `findings` columns written and read, in this order. */
export const FINDINGS_COLUMNS = 'computed_at, ledger_size, events, risk, alerts';

/** A `findings` row. */
export interface FindingsRow {
  computed_at: string;
  ledger_size: number;
  events: number;
  risk: string;
  alerts: string;
}

/** The values of `FINDINGS_COLUMNS` for stored findings. */
export function findingsValues(f: StoredFindings): [string, number, number, string, string] {
  return [
    f.computedAt,
    f.ledgerSize,
    f.events,
    JSON.stringify(f.findings.risk),
    JSON.stringify(f.findings.alerts),
  ];
}

/** Stored findings from their row. */
export function findingsOf(row: FindingsRow): StoredFindings {
  return {
    computedAt: row.computed_at,
    ledgerSize: row.ledger_size,
    events: row.events,
    findings: {
      risk: JSON.parse(row.risk) as Findings['risk'],
      alerts: JSON.parse(row.alerts) as Findings['alerts'],
    },
  };
}
