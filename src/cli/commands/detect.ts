import pc from 'picocolors';
import type { Alert, Findings, RiskEntry, Suppression } from '../../domain/index.js';
import { SEVERITIES, atLeast } from '../../domain/index.js';
import { applySuppressions } from '../../detect/index.js';
import { canaryWatch } from '../canary-watch.js';
import { loadOrgProfile } from '../org.js';
import type { StoredFindings } from '../../store/index.js';
import { EXIT } from '../exit.js';
import { wholeNumber } from '../read-input.js';
import type { Io } from '../io.js';
import { detectionVersion, type DetectionWiring } from './detect-state.js';
import type { DetectionInputs } from './detect-engine-protocol.js';
import { detectInThread, engineThreadPossible } from './detect-engine-thread.js';
import { readingThreadWanted, type EarlyEngine } from './detect-engine-start.js';
import { detectionFrom, resumeDetection, type Detection, type DetectionRun } from './detect-run.js';
import { barChart, heading, json, table } from '../render.js';
import type { Wired } from '../wiring.js';

/**
 * Brings detection up to the ledger's end: resumes the saved engine state when it is still
 * valid (else replays from leaf 0, with a note on stderr saying why), feeds it the leaves it
 * has not seen, and stores the new state and the findings.
 */
export async function runDetection(
  w: Wired,
  io?: Io,
  options: { full?: boolean; org?: string } = {},
): Promise<Detection> {
  const short = await shortResume(w, options.full);
  return detectionFrom(w, short, () => startDetection(w, io, options));
}

/**
 * `runDetection`'s findings and the leaf it resumed from, for a caller that needs no engine
 * (`detect`, and `risk` and `alerts` through `currentFindings`). A run that feeds many leaves
 * (`engineThreadWanted`) runs on a thread of its own, whose larger young generation keeps V8's
 * scavenges from copying the engine's surviving memory over and over; the others run here.
 */
export async function detectFindings(
  w: Wired,
  io?: Io,
  options: { full?: boolean; org?: string; early?: EarlyEngine } = {},
): Promise<Pick<Detection, 'stored' | 'resumedAt'>> {
  const leaves = await leavesToFeed(w, options.full);
  if (engineThreadWanted(w, leaves)) {
    const inputs = await detectionInputs(w, options);
    return detectInThread(w, inputs, options.full ?? false, io, options.early);
  }
  options.early?.stop();
  return detectionFrom(w, resumesShort(leaves), () => startDetection(w, io, options));
}

/** Is the engine's own thread worth its start for a run feeding `leaves`, and possible here? */
const engineThreadWanted = (w: Wired, leaves: LeavesToFeed): boolean =>
  readingThreadWanted(leaves.count) && engineThreadPossible(w.store);

/**
 * Whether the saved state, if it holds, leaves too few leaves to read for a feed thread
 * (`readingThreadWanted`): starting one costs a resume more than it saves. Only the header is
 * read; the resume checks the state as before, and a replay that follows all the same gets a
 * thread (`feedInThread`), started once its range is known.
 */
export async function shortResume(w: DetectionWiring, full = false): Promise<boolean> {
  return resumesShort(await leavesToFeed(w, full));
}

/** `shortResume`'s answer for the leaves a run will feed. */
const resumesShort = (leaves: LeavesToFeed): boolean =>
  leaves.resumes && !readingThreadWanted(leaves.count);

/** The leaves a run will feed if the saved state resumes, and whether one promises to. */
interface LeavesToFeed {
  readonly count: number;
  readonly resumes: boolean;
}

/**
 * The leaves a run will feed, judged by the saved state's header alone: those past it when it
 * may resume, else the whole ledger. A state found unusable then only makes the run longer.
 */
async function leavesToFeed(w: DetectionWiring, full = false): Promise<LeavesToFeed> {
  const size = w.ledger.size;
  const saved = full ? undefined : await w.store.detectorState.describe();
  return saved !== undefined && saved.ledgerSize <= size
    ? { count: size - saved.ledgerSize, resumes: true }
    : { count: size, resumes: false };
}

/**
 * The first step of a run: the org profile (read and validated on every run, resumed or not:
 * a bad --org is refused), the canaries, and the engine resumed from the saved state.
 */
export async function startDetection(
  w: Wired,
  io?: Io,
  options: { full?: boolean; org?: string } = {},
): Promise<DetectionRun> {
  return resumeDetection(w, await detectionInputs(w, options), options.full, io);
}

/** What a run reads before its engine (`DetectionInputs`); a bad --org is refused here. */
export async function detectionInputs(
  w: Wired,
  options: { org?: string } = {},
): Promise<DetectionInputs> {
  const profile = loadOrgProfile(w.dbPath, options.org);
  const canaries = await canaryWatch(w);
  const version = `${detectionVersion(w.dbPath, options.org)}; ${canaries.version}`;
  return { profile, canaries: canaries.targets, version };
}

/**
 * The stored findings if they cover the whole ledger and were made by this detection code and
 * org profile (the saved state's version, taken in the same run); otherwise detection brings
 * them up to date.
 */
export async function currentFindings(w: Wired, io?: Io, org?: string): Promise<StoredFindings> {
  return (
    (await storedIfCurrent(w, org)) ??
    (await detectFindings(w, io, org === undefined ? {} : { org })).stored
  );
}

/** The stored findings when they are current (as `currentFindings` judges), else undefined. */
export async function storedIfCurrent(w: Wired, org?: string): Promise<StoredFindings | undefined> {
  loadOrgProfile(w.dbPath, org); // a bad --org is refused even when nothing is recomputed
  const latest = await w.store.findings.latest();
  const state = await w.store.detectorState.describe();
  const size = w.ledger.size;
  if (
    latest?.ledgerSize === size &&
    state?.ledgerSize === size &&
    state.version === (await stateVersion(w, org))
  )
    return latest;
  return undefined;
}

/**
 * The version a detection state saved now would carry: the detection code's and the org
 * profile's (`detectionVersion`), and the planted canaries' digest. A state or engine of
 * another version is rebuilt.
 */
export async function stateVersion(w: Wired, org?: string): Promise<string> {
  return `${detectionVersion(w.dbPath, org)}; ${(await canaryWatch(w)).version}`;
}

const serious = (alerts: readonly Alert[]): number =>
  alerts.filter((a) => atLeast(a.severity, 'medium')).length;

/** `warden detect`: run the detectors over the stream; exit 1 when an alert of medium or more stands. */
export async function detectCommand(
  w: Wired,
  flags: { json?: boolean; full?: boolean; org?: string },
  io: Io,
  early?: EarlyEngine,
): Promise<number> {
  const { stored, resumedAt } = await detectFindings(w, io, {
    full: flags.full ?? false,
    ...(flags.org === undefined ? {} : { org: flags.org }),
    ...(early === undefined ? {} : { early }),
  });
  const f = stored.findings;
  if (flags.json)
    io.out(
      `${json({ computedAt: stored.computedAt, ledgerSize: stored.ledgerSize, events: stored.events, employeesScored: f.risk.length, alerts: f.alerts.length, resumedAt })}\n`,
    );
  else io.out(describeDetection(stored, resumedAt));
  return serious(f.alerts) > 0 ? EXIT.finding : EXIT.ok;
}

function describeDetection(s: StoredFindings, resumedAt: number): string {
  const f = s.findings;
  const how =
    resumedAt === 0
      ? 'the whole ledger replayed'
      : `resumed from the saved state at leaf ${resumedAt.toLocaleString('en-US')}`;
  const bySeverity = SEVERITIES.map((sev) => ({
    label: sev,
    value: f.alerts.filter((a) => a.severity === sev).length,
  }));
  return [
    `${pc.green('✔')} ${s.events.toLocaleString('en-US')} events through the detectors (ledger size ${s.ledgerSize.toLocaleString('en-US')}; ${how}): ${f.risk.length} employees with a risk score, ${f.alerts.length} alerts`,
    heading('alerts by severity'),
    barChart(bySeverity),
    heading('riskiest employees'),
    riskTable(f.risk.slice(0, 15)),
    `details: npx warden risk, npx warden alerts, npx warden explain EMPLOYEE`,
    '',
  ].join('\n');
}

export function riskTable(risk: readonly RiskEntry[]): string {
  if (risk.length === 0) return 'nobody has a risk score';
  return table(
    ['employee', 'score', '', 'reasons'],
    risk.map((r) => [
      r.employeeId,
      r.score,
      pc.red('█'.repeat(Math.round(r.score / 5))),
      r.reasons
        .slice(0, 3)
        .map((x) => x.indicator)
        .join(', '),
    ]),
  );
}

export function alertTable(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return 'no alerts';
  const colour = (s: string): string =>
    s === 'critical' || s === 'high' ? pc.red(s) : s === 'medium' ? pc.yellow(s) : s;
  return table(
    ['alert', 'event time', 'severity', 'employee', 'detector', 'sellers', 'summary'],
    alerts.map((a) => [
      a.id,
      a.eventTime,
      a.suppressed
        ? pc.dim(`${a.severity} (dismissed until ${a.suppressed.until})`)
        : colour(a.severity),
      a.employeeId,
      a.detector,
      a.sellerIds.slice(0, 3).join(' '),
      a.summary.length > 90 ? `${a.summary.slice(0, 89)}…` : a.summary,
    ]),
  );
}

/** `warden risk`: every employee with a score above 0, highest first (the contract's shape). */
export async function riskCommand(
  w: Wired,
  flags: { json?: boolean; limit?: string; org?: string },
  io: Io,
): Promise<number> {
  const { findings } = await currentFindings(w, io, flags.org);
  if (flags.json) io.out(`${json(findings.risk)}\n`);
  else
    io.out(`${riskTable(findings.risk.slice(0, wholeNumber(flags.limit ?? '25', '--limit')))}\n`);
  return EXIT.ok;
}

/** `warden alerts`: exit 1 when there is an alert at or above the floor shown. */
export async function alertsCommand(
  w: Wired,
  flags: { json?: boolean; severity?: string; org?: string },
  io: Io,
): Promise<number> {
  const { findings } = await currentFindings(w, io, flags.org);
  // dismissals are data for detection (detect cannot read cases): shown, marked, not counted
  // the cases (and through them the guard's Cedar) load for this command alone, not for detect
  const { suppressions } = await import('../../cases/index.js');
  const dismissed = await suppressions(w);
  const shown = alertsAtLeast(findings, (flags.severity ?? 'low') as Alert['severity'], {
    dismissed,
    now: w.now(),
  });
  io.out(flags.json ? `${json(shown)}\n` : `${alertTable(shown)}\n`);
  return shown.some((a) => !a.suppressed) ? EXIT.finding : EXIT.ok;
}

/** The alerts at or above `floor`, in event-time order (as `warden alerts` shows them). */
export function alertsAtLeast(
  f: Findings,
  floor: Alert['severity'],
  marks?: { dismissed: readonly Suppression[]; now: string },
): Alert[] {
  const alerts = byTime(f).alerts;
  const marked = marks ? applySuppressions(alerts, marks.dismissed, marks.now) : alerts;
  return marked.filter((a) => atLeast(a.severity, floor));
}

function byTime(f: Findings): Findings {
  return {
    risk: f.risk,
    alerts: [...f.alerts].sort(
      (a, b) => a.eventTime.localeCompare(b.eventTime) || a.id.localeCompare(b.id),
    ),
  };
}

/** `warden sellers`: sellers by what employees gave them without purpose, highest first. */
export async function sellersCommand(
  w: Wired,
  flags: { json?: boolean; limit?: string; org?: string },
  io: Io,
): Promise<number> {
  const { engine } = await runDetection(w, io, flags.org === undefined ? {} : { org: flags.org });
  const sellers = engine.sellers();
  if (flags.json) {
    io.out(`${json(sellers)}\n`);
    return EXIT.ok;
  }
  if (sellers.length === 0) {
    io.out('no seller was given anything without purpose\n');
    return EXIT.ok;
  }
  io.out(
    `${table(
      [
        'seller',
        'score',
        'removals w/o report',
        'rating lift',
        'negative reviewers looked up',
        'competitor metrics',
        'ring',
        'employees',
      ],
      sellers
        .slice(0, wholeNumber(flags.limit ?? '25', '--limit'))
        .map((s) => [
          s.sellerId,
          s.score,
          s.negativeRemovals,
          s.ratingLift.toFixed(2),
          s.negativeReviewersLookedUp,
          s.competitorMetricsViewed,
          s.inRing ? pc.red('yes') : '',
          s.employees.slice(0, 5).join(' '),
        ]),
    )}\n`,
  );
  return EXIT.ok;
}
