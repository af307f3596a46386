import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { atLeast, type Findings } from '../../domain/index.js';
import { resolveOptions, writeSimulation, type PresetName } from '../../sim/index.js';
import type { Io } from '../io.js';
import { stepBar } from '../progress.js';
import { barChart, heading, table } from '../render.js';
import { alertTable, riskTable } from './detect.js';
import { wire, type Wired } from '../wiring.js';
import { DETECTORS_NOTE, ingestAndDetect, score } from './eval.js';
import { describeEval } from './eval-report.js';
import { describeSimulation } from './simulate.js';
import { renderStats } from './stats.js';

/**
 * The bundled sample: a few dozen employees' week (scripts/sample-week.ts writes it), found
 * from this module upwards, so that the compiled CLI (dist/src/…) and the sources agree.
 */
export function samplePath(from = dirname(fileURLToPath(import.meta.url))): string {
  const candidate = join(from, 'samples', 'sample-week.ndjson');
  if (existsSync(candidate)) return candidate;
  const parent = dirname(from);
  if (parent === from) throw new Error('the bundled sample samples/sample-week.ndjson is missing');
  return samplePath(parent);
}

export interface DemoFlags {
  readonly db: string;
  readonly dir: string;
  readonly preset: PresetName;
  readonly seed: number;
}

/**
 * `npm start`: simulate a marketplace month into a fresh embedded database, run the whole
 * pipeline, and report the findings and how they score against the simulation's labels.
 */
export async function demoCommand(flags: DemoFlags, io: Io): Promise<number> {
  const started = performance.now();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${flags.db}${suffix}`, { force: true });
  rmSync(flags.dir, { recursive: true, force: true });
  const options = resolveOptions({ preset: flags.preset, seed: flags.seed });
  io.out(
    `${pc.bold('Warden demo')}: a simulated marketplace month (${options.preset} preset, seed ${options.seed}) through the whole pipeline\n\n`,
  );
  const bar = stepBar('simulate', options.days, 'days');
  const simStarted = performance.now();
  const sim = (() => {
    try {
      return writeSimulation(flags.dir, options, (d) => bar.update(d));
    } finally {
      bar.stop();
    }
  })();
  io.out(describeSimulation(flags.dir, sim, (performance.now() - simStarted) / 1000));
  const w = await wire(flags.db);
  try {
    const { ingest, findings } = await ingestAndDetect(w, flags.dir, sim.manifest);
    io.out(renderStats(await w.store.stats(), flags.db));
    io.out(describeFindings(findings, flags.db));
    io.out(await describeCheckpoint(w));
    io.out(heading('Scores against the simulation’s ground truth') + '\n');
    io.out(
      describeEval(await score(w, flags.dir, sim.manifest, findings), {
        dir: flags.dir,
        db: flags.db,
        source: DETECTORS_NOTE,
        ingest,
      }),
    );
    io.out(
      `\n${pc.green('✔')} done in ${((performance.now() - started) / 1000).toFixed(0)} s. Explore: npx warden stats --db ${flags.db}   npx warden ledger verify --db ${flags.db}   npx warden eval ${flags.dir}\n`,
    );
    return 0;
  } finally {
    await w.close();
  }
}

function describeFindings(f: Findings, db: string): string {
  const serious = f.alerts
    .filter((a) => atLeast(a.severity, 'medium'))
    .sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  const perDetector = new Map<string, number>();
  for (const a of serious) perDetector.set(a.detector, (perDetector.get(a.detector) ?? 0) + 1);
  const top = f.risk[0];
  return [
    heading(`Riskiest employees (${f.risk.length} with a score above 0)`),
    riskTable(f.risk.slice(0, 15)),
    heading(`Alerts of medium severity or more: ${serious.length} (of ${f.alerts.length})`),
    barChart([...perDetector].map(([label, value]) => ({ label, value }))),
    alertTable(serious.slice(0, 25)),
    heading('Rings (collusion graph)'),
    ringTable(f),
    top ? `why ${top.employeeId}? npx warden explain ${top.employeeId} --db ${db}` : '',
    '',
  ].join('\n');
}

/** One row per ring: its members, its sellers, and how the alert describes it. */
function ringTable(f: Findings): string {
  const rings = new Map<string, Findings['alerts'][number]>();
  for (const a of f.alerts)
    if (a.detector === 'collusion-ring')
      rings.set([...(a.employeeIds ?? [a.employeeId])].sort().join(' '), a);
  if (rings.size === 0) return 'none found';
  return table(
    ['members', 'sellers', 'severity', 'where'],
    [...rings].map(([members, a]) => [
      members,
      a.sellerIds.join(' '),
      a.severity,
      a.summary.split('; ').slice(1).join('; '),
    ]),
  );
}

async function describeCheckpoint(w: Wired): Promise<string> {
  const cp = await w.store.ledger.latestCheckpoint();
  if (!cp) return `${heading('Ledger')}\nno checkpoint\n`;
  const origin = cp.note.split('\n')[0] ?? '';
  return `${heading('Ledger checkpoint (signed)')}\n${table(['log', 'size', 'root hash'], [[origin, cp.size, cp.rootHash.toString('base64')]])}\n`;
}
