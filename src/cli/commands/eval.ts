import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Findings } from '../../domain/index.js';
import { InputError, parseAlertsJson, parseRiskJson } from '../../ingest/index.js';
import {
  citedEventIds,
  readLabels,
  readManifest,
  scoreEvaluation,
  type EvalReport,
} from '../../sim/index.js';
import { UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { json } from '../render.js';
import { wire, type Wired } from '../wiring.js';
import { ingestSimulation } from './ingest-run.js';
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
    const ingest = await ingestSimulation(w, dir, manifest);
    const findings = external ?? (await detect(w));
    const report = await score(w, dir, findings);
    const source = external ? `findings from ${flags.risk} and ${flags.alerts}` : DETECTORS_NOTE;
    if (flags.json)
      io.out(`${json({ dir, db: dbPath, findingsSource: source, ingest, report })}\n`);
    else io.out(describeEval(report, { dir, db: dbPath, source, ingest }));
    return 0;
  } finally {
    await w.close();
  }
}

/** What scores Warden's own findings today. */
export const DETECTORS_NOTE =
  'Warden’s built-in detectors — none are installed yet (the detection context is the next piece of work), so this scores an empty finding set';

/**
 * Warden's detectors over the store. The detection context does not exist yet: until it
 * lands, there are no findings, and eval says so rather than pretending.
 */
export async function detect(_w: Wired): Promise<Findings> {
  return Promise.resolve({ risk: [], alerts: [] });
}

/** Reads the labels (the one place outside `sim` that does) and scores the findings. */
export async function score(w: Wired, dir: string, findings: Findings): Promise<EvalReport> {
  const labels = readLabels(dir);
  const eventActors = await w.store.events.actorsOf(citedEventIds(findings));
  return scoreEvaluation({ labels, manifest: readManifest(dir), findings, eventActors });
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
