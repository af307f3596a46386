import pc from 'picocolors';
import {
  PRESET_NAMES,
  resolveOptions,
  writeSimulation,
  type PresetName,
  type Simulation,
} from '../../sim/index.js';
import { UsageError } from '../exit.js';
import { wholeNumber } from '../read-input.js';
import type { Io } from '../io.js';
import { stepBar } from '../progress.js';
import { barChart, heading, json, table } from '../render.js';

export interface SimulateFlags {
  readonly preset: string;
  readonly world?: string;
  readonly seed: string;
  readonly out: string;
  readonly employees?: string;
  readonly days?: string;
  readonly json?: boolean;
  readonly camouflage?: boolean;
}

/** `warden simulate`: a seeded marketplace month as interchange v1, with its labels beside it. */
export function simulateCommand(flags: SimulateFlags, io: Io): number {
  const options = resolveOptions({
    preset: presetOf(flags.preset),
    ...(flags.world === undefined ? {} : { world: flags.world }),
    seed: wholeNumber(flags.seed, '--seed'),
    ...(flags.employees === undefined
      ? {}
      : { employees: wholeNumber(flags.employees, '--employees') }),
    ...(flags.days === undefined ? {} : { days: wholeNumber(flags.days, '--days') }),
    camouflage: flags.camouflage ?? false,
  });
  const started = performance.now();
  const bar = stepBar(
    `simulate ${options.preset}${options.world === 'a' ? '' : ` world ${options.world}`} seed ${options.seed}`,
    options.days,
    'days',
  );
  let sim: Simulation;
  try {
    sim = writeSimulation(flags.out, options, (d) => bar.update(d));
  } finally {
    bar.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  if (flags.json) io.out(`${json({ out: flags.out, seconds, manifest: sim.manifest })}\n`);
  else io.out(describeSimulation(flags.out, sim, seconds));
  return 0;
}

export function describeSimulation(out: string, sim: Simulation, seconds: number): string {
  const m = sim.manifest;
  const abuse = sim.labels.scenarios.filter((s) => s.kind === 'abuse');
  return [
    `${pc.green('✔')} simulated ${m.employees.toLocaleString('en-US')} employees × ${m.days} days (${m.from.slice(0, 10)} – ${m.to.slice(0, 10)}) in ${seconds.toFixed(1)} s → ${out}`,
    heading('records written'),
    barChart(Object.entries(m.counts).map(([label, value]) => ({ label, value }))),
    heading('hidden in the stream'),
    table(
      ['scenarios', 'instances', 'employees'],
      [
        ['abuse', abuse.length, sim.labels.insiders.length],
        [
          'benign look-alikes',
          sim.labels.scenarios.length - abuse.length,
          new Set(
            sim.labels.scenarios.filter((s) => s.kind === 'benign').flatMap((s) => s.employeeIds),
          ).size,
        ],
      ],
    ),
    `ground truth: ${out}/labels.json (for scoring only) — score detectors with: npx warden eval ${out}`,
    '',
  ].join('\n');
}

function presetOf(value: string): PresetName {
  if ((PRESET_NAMES as string[]).includes(value)) return value as PresetName;
  throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got "${value}"`);
}
