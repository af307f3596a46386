/** Runs the simulator in memory for tests: every line, by file, parsed. */
import { resolveOptions, type PresetName } from './presets.js';
import { simulate, type Simulation } from './simulate.js';

export interface MemoryRun {
  readonly sim: Simulation;
  readonly files: Map<string, string[]>;
  readonly records: Record<string, unknown>[];
}

export function runInMemory(
  preset: PresetName,
  seed: number,
  size: { employees?: number; days?: number; world?: string } = {},
): MemoryRun {
  const files = new Map<string, string[]>();
  const sim = simulate(resolveOptions({ preset, seed, ...size }), {
    write: (file, lines) => void files.set(file, [...lines]),
  });
  const records = [...files.values()].flat().map((l) => JSON.parse(l) as Record<string, unknown>);
  return { sim, files, records };
}

export interface EventRecord {
  id: string;
  time: string;
  actor: string;
  action: string;
  target: { type: string; id: string };
  ticket?: string;
  context: { ip: string; device: string; session: string; geo: string };
  attrs?: Record<string, unknown>;
}

export function eventsOf(run: MemoryRun): EventRecord[] {
  return run.records.filter((r) => r['kind'] === 'event') as unknown as EventRecord[];
}

/** The last version of each directory record of `kind`, by id. */
export function latest(run: MemoryRun, kind: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const r of run.records) if (r['kind'] === kind) out.set(String(r['id']), r);
  return out;
}
