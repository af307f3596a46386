/**
 * A simulation on disk: `DIR/stream/*.ndjson` (interchange v1, to ingest in name order),
 * `DIR/manifest.json` (what it holds) and `DIR/labels.json` (ground truth, for scoring only).
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { SimError } from './errors.js';
import type { Labels, Manifest } from './labels.js';
import type { SimOptions } from './presets.js';
import { simulate, type Simulation } from './simulate.js';

export const MANIFEST_FILE = 'manifest.json';
export const LABELS_FILE = 'labels.json';
const STREAM_DIR = 'stream';

export function writeSimulation(
  dir: string,
  options: SimOptions,
  progress?: (day: number, days: number) => void,
): Simulation {
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new SimError(
      'OUTPUT_NOT_EMPTY',
      `${dir} is not empty; give a new or empty directory (nothing was overwritten)`,
    );
  mkdirSync(join(dir, STREAM_DIR), { recursive: true });
  const sim = simulate(
    options,
    {
      write(file, lines) {
        writeLines(join(dir, STREAM_DIR, file), lines);
      },
    },
    progress,
  );
  const manifest = { ...sim.manifest, files: sim.manifest.files.map((f) => `${STREAM_DIR}/${f}`) };
  writeLines(join(dir, MANIFEST_FILE), [JSON.stringify(manifest, null, 2)]);
  writeLines(join(dir, LABELS_FILE), [JSON.stringify(sim.labels, null, 2)]);
  return { manifest, labels: sim.labels };
}

function writeLines(path: string, lines: readonly string[]): void {
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < lines.length; i += 4096)
      writeSync(fd, `${lines.slice(i, i + 4096).join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

/** The manifest of a simulation directory (never its labels). */
export function readManifest(dir: string): Manifest {
  return readJson<Manifest>(join(dir, MANIFEST_FILE), 'warden-sim/1');
}

/** The ground truth of a simulation directory: for scoring only. */
export function readLabels(dir: string): Labels {
  return readJson<Labels>(join(dir, LABELS_FILE), 'warden-sim-labels/1');
}

function readJson<T extends { format: string }>(path: string, format: string): T {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SimError(
      'NOT_A_SIMULATION',
      `${path}: cannot read a simulation file (${error instanceof Error ? error.message : String(error)}); run warden simulate first`,
      { cause: error },
    );
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    (value as { format?: unknown }).format !== format
  )
    throw new SimError('NOT_A_SIMULATION', `${path}: field "format" is not "${format}"`);
  return value as T;
}
