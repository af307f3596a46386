import pc from 'picocolors';
import type { EvalReport } from '../../sim/index.js';
import { heading, table } from '../render.js';
import type { RunIngest } from './ingest-run.js';

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const num = (v: number | null, digits = 2): string => (v === null ? '—' : v.toFixed(digits));
const mark = (ok: boolean): string => (ok ? pc.green('meets') : pc.red('below'));

/** The eval report for a person: quality against the detection floors, scenario by scenario. */
export function describeEval(
  r: EvalReport,
  o: { dir: string; db: string; source: string; ingest: RunIngest },
): string {
  const i = o.ingest;
  const lines = [
    `${pc.green('✔')} ingested ${i.events.toLocaleString('en-US')} events and ${i.directoryVersions.toLocaleString('en-US')} directory records from ${i.files} files in ${i.seconds.toFixed(1)} s (${o.db})`,
    `scored: ${o.source}`,
    heading(
      `quality against ground truth (${r.employees.toLocaleString('en-US')} employees, ${r.insiders} insiders, ${Math.round(r.employeeDays).toLocaleString('en-US')} employee-days)`,
    ),
    table(
      ['measure', 'value', 'floor', ''],
      [
        [`recall, top 1 % (${r.cutoffs.top1})`, pct(r.recallTop1), '', ''],
        [
          `recall, top 2 % or k (${r.cutoffs.topK2})`,
          pct(r.recallTopK2),
          '≥ 95 %',
          mark((r.recallTopK2 ?? 0) >= 0.95),
        ],
        [
          `precision at k (${r.insiders})`,
          pct(r.precisionAtK),
          '≥ 0.8',
          mark((r.precisionAtK ?? 0) >= 0.8),
        ],
        ['average precision', num(r.averagePrecision), '', ''],
        [
          'median hours, scenario start → first alert',
          num(r.medianHoursToFirstAlert, 1),
          '≤ 24',
          mark(r.medianHoursToFirstAlert !== null && r.medianHoursToFirstAlert <= 24),
        ],
        [
          'false alerts (≥ medium) per 1,000 employee-days',
          num(r.falseAlertsPer1000EmployeeDays),
          '≤ 0.5',
          mark((r.falseAlertsPer1000EmployeeDays ?? 0) <= 0.5),
        ],
        [
          `benign look-alikes flagged (of ${r.benignScenarios})`,
          String(r.benignFlagged.length),
          '0',
          mark(r.benignFlagged.length === 0),
        ],
        [
          `cited events real and the employee's own (${r.citedEvents})`,
          pct(r.citedShareRealOwn),
          '100 %',
          mark(r.citedShareRealOwn === 1),
        ],
      ],
    ),
    heading('abuse scenarios caught'),
    table(
      [
        'scenario',
        'type',
        'members',
        'flagged',
        'caught',
        'hours to first alert',
        'named in one alert',
      ],
      r.abuseScenarios.map((s) => [
        s.scenarioId,
        s.type,
        s.members,
        s.membersFlagged,
        s.caught ? pc.green('yes') : pc.red('no'),
        num(s.hoursToFirstAlert, 1),
        s.named === null ? '' : s.named ? pc.green('yes') : pc.red('no'),
      ]),
    ),
  ];
  if (r.top.length > 0)
    lines.push(
      heading('riskiest employees'),
      table(
        ['rank', 'employee', 'score', 'insider', 'scenarios'],
        r.top.map((t) => [
          t.rank,
          t.employeeId,
          t.score,
          t.insider ? pc.red('yes') : 'no',
          t.scenarios.join(', '),
        ]),
      ),
    );
  if (r.benignFlagged.length > 0)
    lines.push(
      heading('benign look-alikes flagged'),
      table(
        ['scenario', 'type', 'employees'],
        r.benignFlagged.map((b) => [b.scenarioId, b.type, b.employeeIds.join(', ')]),
      ),
    );
  if (r.badCitationExamples.length > 0)
    lines.push(
      heading('citations that are not the employee’s own events'),
      table(
        ['employee', 'event', 'problem'],
        r.badCitationExamples.map((b) => [b.employeeId, b.eventId, b.problem]),
      ),
    );
  return `${lines.join('\n')}\n`;
}
