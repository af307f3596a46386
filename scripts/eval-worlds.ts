/**
 * Runs Warden's detectors over simulated worlds × seeds in memory and prints one row per run
 * with the eval's measures (docs/detection.md, "Results"): simulate, parse every line as
 * ingest would, feed the engine file by file, then score against the labels.
 *
 *   npm run build && node dist/scripts/eval-worlds.js [--worlds a,b] [--seeds 1-5]
 *     [--preset medium] [--camouflage] [--json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DetectionEngine } from '../src/detect/index.js';
import type { InterchangeRecord } from '../src/domain/index.js';
import { parseRecord } from '../src/ingest/index.js';
import {
  citedEventIds,
  resolveOptions,
  scoreEvaluation,
  simulate,
  type EvalReport,
  type PresetName,
} from '../src/sim/index.js';

let reasonsOf: (id: string) => string = () => '';

interface Row {
  world: string;
  seed: number;
  report: EvalReport;
  seconds: number;
}

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`${name} needs a value`);
    process.exit(2);
  }
  return value;
}

function seedList(spec: string): number[] {
  const [a, b] = spec.split('-').map(Number);
  if (b === undefined) return spec.split(',').map(Number);
  return Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
}

function runOne(world: string, seed: number, preset: PresetName, camouflage: boolean): Row {
  const start = Date.now();
  const options = resolveOptions({ preset, seed, camouflage, world });
  const engine = new DetectionEngine();
  const actors = new Map<string, string>();
  const sim = simulate(options, {
    write(name, lines) {
      const batch: InterchangeRecord[] = [];
      for (const text of lines) {
        const parsed = parseRecord(text);
        if (!parsed.ok) throw new Error(`${name}: ${parsed.code}: ${parsed.message}`);
        if (parsed.record.kind === 'event')
          actors.set(parsed.record.body.id, parsed.record.body.actor);
        batch.push(parsed.record);
      }
      engine.consume(batch);
    },
  });
  const findings = engine.findings();
  const dump = argValue('--dump', '');
  if (dump) {
    // Everything the alerts and risk rest on, with the labels, for studying a change offline.
    mkdirSync(dump, { recursive: true });
    const hits: Record<string, unknown[]> = {};
    const staff: Record<string, unknown> = {};
    for (const [id, who] of engine.directory.employees) {
      staff[id] = { team: who.team, role: who.role, site: who.site };
      const list = engine.hitsOf(id);
      if (list.length > 0)
        hits[id] = list.map((h) => [h.indicator, h.t, Number(h.weight.toFixed(3)), h.eventId]);
    }
    writeFileSync(
      join(dump, `${world}-${seed}.json`),
      JSON.stringify({ labels: sim.labels, manifest: sim.manifest, findings, hits, staff }),
    );
  }
  reasonsOf = (id) =>
    findings.risk
      .find((r) => r.employeeId === id)
      ?.reasons.map((r) => `${r.indicator}:${r.detail.split(':')[1]?.trim().split(' ')[0] ?? ''}`)
      .join(' ') ?? '';
  const cited = new Set(citedEventIds(findings));
  const eventActors = new Map([...actors].filter(([id]) => cited.has(id)));
  const report = scoreEvaluation({
    labels: sim.labels,
    manifest: sim.manifest,
    findings,
    eventActors,
  });
  return { world, seed, report, seconds: (Date.now() - start) / 1000 };
}

const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)} %`);

function line(r: Row): string {
  const p = r.report;
  const caught = p.scenarioTypesCaught.filter((c) => c.caught === c.instances).length;
  const flagged = p.benignFlagged.map((b) => b.type).join(' ');
  return [
    r.world,
    r.seed,
    p.insiders,
    pct(p.recallTopK2),
    p.precisionAtK?.toFixed(2) ?? '—',
    p.averagePrecision?.toFixed(2) ?? '—',
    `${caught}/${p.scenarioTypesCaught.length}`,
    p.medianHoursToFirstAlert?.toFixed(1) ?? '—',
    `${p.falseAlerts} (${p.falseAlertsPer1000EmployeeDays?.toFixed(2) ?? '—'})`,
    `${p.benignFlagged.length} of ${p.benignScenarios}${flagged ? ` [${flagged}]` : ''}`,
    `${pct(p.citedShareRealOwn)} of ${p.citedEvents.toLocaleString('en-US')}`,
  ].join(' | ');
}

function main(): void {
  const worlds = argValue('--worlds', 'a,b').split(',');
  const seeds = seedList(argValue('--seeds', '1-5'));
  const preset = argValue('--preset', 'medium') as PresetName;
  const camouflage = process.argv.includes('--camouflage');
  const json = process.argv.includes('--json');
  const rows: Row[] = [];
  if (!json)
    console.log(
      '| world | seed | k | recall top 2 % or k | precision at k | AP | types caught | median h | false alerts (per 1,000 emp-days) | look-alikes flagged | citations real and own |\n|---|---|---|---|---|---|---|---|---|---|---|',
    );
  for (const world of worlds)
    for (const seed of seeds) {
      const row = runOne(world, seed, preset, camouflage);
      rows.push(row);
      if (!json) console.log(`| ${line(row)} |`);
      if (process.argv.includes('--top'))
        for (const a of row.report.abuseScenarios)
          if (a.hoursToFirstAlert === null || a.hoursToFirstAlert > 24)
            console.error(
              `    ${a.scenarioId} first alert ${a.hoursToFirstAlert?.toFixed(1) ?? 'none'} h, members flagged ${a.membersFlagged}/${a.members}`,
            );
      if (process.argv.includes('--top'))
        for (const e of row.report.top.slice(0, row.report.insiders + 3))
          console.error(
            `    ${e.rank} ${e.employeeId} ${e.score} ${e.insider ? 'insider' : ''} ${e.scenarios.join(' ')} ${reasonsOf(e.employeeId)}`,
          );
      else console.error(`${world} ${seed}: ${row.seconds.toFixed(0)} s`);
    }
  if (json)
    console.log(
      JSON.stringify(
        rows.map((r) => ({ world: r.world, seed: r.seed, ...r.report })),
        null,
        2,
      ),
    );
}

main();
