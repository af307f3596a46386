import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Findings } from '../../domain/index.js';
import { newEngine } from '../org.js';
import { InputError, parseAlertsJson, parseRiskJson } from '../../ingest/index.js';
import {
  citedEventIds,
  readLabels,
  readManifest,
  scoreEvaluation,
  type EvalReport,
  type Manifest,
} from '../../sim/index.js';
import { UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { json } from '../render.js';
import { wire, type Wired } from '../wiring.js';
import { ingestSimulation, type RunIngest } from './ingest-run.js';
import { feed, saveFindings } from './detect-run.js';
import { describeEval } from './eval-report.js';

export interface EvalFlags {
  readonly db?: string;
  readonly risk?: string;
  readonly alerts?: string;
  readonly json?: boolean;
}

/**
 * `warden eval DIR`: ingest a simulation into a fresh database, detect, and score the findings
 * against the labels. The labels are read only here, after detection has finished.
 */
export async function evalCommand(dir: string, flags: EvalFlags, io: Io): Promise<number> {
  const manifest = readManifest(dir);
  if ((flags.risk === undefined) !== (flags.alerts === undefined))
    throw new UsageError('--risk and --alerts go together: give both files, or neither');
  const external =
    flags.risk !== undefined && flags.alerts !== undefined
      ? readFindings(flags.risk, flags.alerts)
      : undefined;
  const dbPath = freshDb(dir, flags.db);
  const w = await wire(dbPath);
  try {
    // findings given (another suite's, scored against the same labels): the simulation is
    // still ingested, whose stored events the citations are checked against, but Warden's own
    // detectors are not run for findings nobody would read
    const { ingest, findings } = external
      ? { ingest: await ingestSimulation(w, dir, manifest), findings: external }
      : await ingestAndDetect(w, dir, manifest);
    const report = await score(w, dir, manifest, findings);
    const source = external ? `findings from ${flags.risk} and ${flags.alerts}` : DETECTORS_NOTE;
    if (flags.json)
      io.out(`${json({ dir, db: dbPath, findingsSource: source, ingest, report })}\n`);
    else io.out(describeEval(report, { dir, db: dbPath, source, ingest }));
    return 0;
  } finally {
    await w.close();
  }
}

/** What scores Warden's own findings. */
export const DETECTORS_NOTE = 'Warden’s detectors, run as each batch landed';

/**
 * Ingests the simulation batch by batch, running the detectors on each batch's leaves as it
 * lands (streaming, as in production), and stores the findings.
 */
export async function ingestAndDetect(
  w: Wired,
  dir: string,
  manifest: Manifest,
): Promise<{ ingest: RunIngest; findings: Findings }> {
  const engine = newEngine(w);
  let fed = 0;
  const ingest = await ingestSimulation(w, dir, manifest, async () => {
    fed = await feed(w, engine, fed);
  });
  return { ingest, findings: (await saveFindings(w, engine)).findings };
}

/** Reads the labels (the one place outside `sim` that does) and scores the findings. */
export async function score(
  w: Wired,
  dir: string,
  manifest: Manifest,
  findings: Findings,
): Promise<EvalReport> {
  const labels = readLabels(dir);
  const eventActors = await w.store.events.actorsOf(citedEventIds(findings));
  return scoreEvaluation({ labels, manifest, findings, eventActors });
}

function readFindings(riskFile: string, alertsFile: string): Findings {
  return {
    risk: parseRiskJson(readText(riskFile), riskFile),
    alerts: parseAlertsJson(readText(alertsFile), alertsFile),
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InputError('FILE_NOT_FOUND', `${file}: no such file`, [], { cause });
  }
}

/** Eval owns its default database (DIR/eval.db, rebuilt each run); a --db must be new. */
function freshDb(dir: string, db: string | undefined): string {
  if (db !== undefined) {
    if (existsSync(db))
      throw new UsageError(`--db ${db} exists; eval builds a fresh database: give a new path`);
    return db;
  }
  const path = join(dir, 'eval.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  return path;
}
