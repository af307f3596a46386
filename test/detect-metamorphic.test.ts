import { beforeAll, describe, expect, it } from 'vitest';
import { DetectionEngine } from '../src/detect/index.js';
import type { Findings, InterchangeRecord } from '../src/domain/index.js';
import { parseRecord } from '../src/ingest/index.js';
import { resolveOptions, simulate, type Labels } from '../src/sim/index.js';

// Metamorphic properties of detection (issue 12, item 4): transformations of the input that
// must not change what Warden concludes. One simulated back office per world (300 employees,
// 21 days: the smallest run that plays the full scenario library), transformed and re-run.

interface Run {
  records: InterchangeRecord[];
  labels: Labels;
}

function simulated(world: 'a' | 'b'): Run {
  const records: InterchangeRecord[] = [];
  const sim = simulate(
    resolveOptions({ preset: 'medium', seed: 3, employees: 300, days: 21, world }),
    {
      write(_name, lines) {
        for (const line of lines) {
          const parsed = parseRecord(line);
          if (!parsed.ok) throw new Error(`${parsed.code}: ${parsed.message}`);
          records.push(parsed.record);
        }
      },
    },
  );
  return { records, labels: sim.labels };
}

function detect(records: readonly InterchangeRecord[]): Findings {
  const engine = new DetectionEngine();
  engine.consume(records);
  return engine.findings();
}

/** Every team, role and site renamed by one bijection; the rest untouched. */
function renamed(
  records: readonly InterchangeRecord[],
  name: (s: string) => string,
): InterchangeRecord[] {
  return records.map((r) =>
    r.kind === 'employee'
      ? {
          ...r,
          body: {
            ...r.body,
            team: name(r.body.team),
            role: name(r.body.role),
            site: name(r.body.site),
          },
        }
      : r,
  );
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Every timestamp in every record moved by `days` whole days. */
function shifted<T>(value: T, days: number): T {
  if (typeof value === 'string' && ISO.test(value))
    return new Date(Date.parse(value) + days * 86_400_000).toISOString().replace('.000Z', 'Z') as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => shifted(v, days)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shifted(v, days)])) as T;
  return value;
}

/**
 * Honest twins: for each employee in `ids`, a new employee with the same directory entry,
 * assignments, tickets (re-numbered, assigned to the twin) and events (re-numbered, own
 * device, session and address), each right after the original in the stream.
 */
function withTwins(
  records: readonly InterchangeRecord[],
  ids: ReadonlySet<string>,
): InterchangeRecord[] {
  const twin = (id: string): string => `${id}-twin`;
  const out: InterchangeRecord[] = [];
  const twinTickets = new Set<string>();
  for (const r of records) {
    out.push(r);
    if (r.kind === 'employee' && ids.has(r.body.id))
      out.push({ ...r, body: { ...r.body, id: twin(r.body.id) } });
    else if (r.kind === 'assignment' && ids.has(r.body.employeeId))
      out.push({ ...r, body: { ...r.body, employeeId: twin(r.body.employeeId) } });
    else if (r.kind === 'ticket' && r.body.assigneeId !== undefined && ids.has(r.body.assigneeId)) {
      twinTickets.add(r.body.id);
      const openedBy =
        r.body.openedBy === r.body.assigneeId ? twin(r.body.assigneeId) : r.body.openedBy;
      out.push({
        ...r,
        body: {
          ...r.body,
          id: twin(r.body.id),
          assigneeId: twin(r.body.assigneeId),
          ...(openedBy ? { openedBy } : {}),
        },
      });
    } else if (r.kind === 'event' && ids.has(r.body.actor)) {
      const e = r.body;
      const ctx = e.context ?? {};
      out.push({
        ...r,
        body: {
          ...e,
          id: twin(e.id),
          actor: twin(e.actor),
          ...(e.ticket !== undefined
            ? { ticket: twinTickets.has(e.ticket) ? twin(e.ticket) : e.ticket }
            : {}),
          context: {
            ...ctx,
            ...(ctx.ip !== undefined ? { ip: `${ctx.ip}-twin` } : {}),
            ...(ctx.device !== undefined ? { device: twin(ctx.device) } : {}),
            ...(ctx.session !== undefined ? { session: twin(ctx.session) } : {}),
          },
        },
      });
    }
  }
  return out;
}

describe.each(['a', 'b'] as const)('detection on world %s is unmoved by', (world) => {
  let run: Run;
  let base: Findings;
  beforeAll(() => {
    run = simulated(world);
    base = detect(run.records);
  }, 120_000);

  it('finds something to compare (risk and alerts are not empty)', () => {
    expect(base.risk.length).toBeGreaterThan(0);
    expect(base.alerts.length).toBeGreaterThan(0);
  });

  it('renaming every team, role and site consistently', () => {
    const names = new Set(
      run.records.flatMap((r) =>
        r.kind === 'employee' ? [r.body.team, r.body.role, r.body.site] : [],
      ),
    );
    const to = new Map([...names].map((n, i) => [n, `org-unit-${String(i).padStart(3, '0')}`]));
    const back = new Map([...to].map(([k, v]) => [v, k]));
    const f = detect(renamed(run.records, (s) => to.get(s)!));
    const unname = (text: string): string => text.replace(/org-unit-\d{3}/g, (m) => back.get(m)!);
    // risk reasons name the peer group an amount was measured against
    expect(
      f.risk.map((r) => ({
        ...r,
        reasons: r.reasons.map((x) => ({ ...x, detail: unname(x.detail) })),
      })),
    ).toEqual(base.risk);
    expect(f.alerts.map((a) => ({ ...a, summary: unname(a.summary) }))).toEqual(base.alerts);
  }, 120_000);

  it('shifting every time by whole days (but the times)', () => {
    for (const days of [1, 7]) {
      const f = detect(shifted(run.records, days));
      expect(f.risk).toEqual(base.risk);
      expect(f.alerts).toEqual(shifted(base.alerts, days));
    }
  }, 120_000);

  it('adding honest employees who copy an existing peer (no one’s risk rises)', () => {
    const insiders = new Set(run.labels.insiders);
    const lookalikes = new Set(run.labels.scenarios.flatMap((s) => s.employeeIds));
    const honest = run.records.flatMap((r) =>
      r.kind === 'employee' && !insiders.has(r.body.id) && !lookalikes.has(r.body.id)
        ? [r.body.id]
        : [],
    );
    const copied = new Set(honest.filter((_, i) => i % 10 === 0));
    const f = detect(withTwins(run.records, copied));
    const before = new Map(base.risk.map((r) => [r.employeeId, r.score]));
    const risen = f.risk.filter(
      (r) => !r.employeeId.endsWith('-twin') && r.score > (before.get(r.employeeId) ?? 0),
    );
    expect(risen).toEqual([]);
  }, 120_000);
});
