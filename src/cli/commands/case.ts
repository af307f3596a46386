import { readFileSync } from 'node:fs';
import type { Command, Option } from 'commander';
import {
  addNote,
  addSubject,
  approveReveal,
  assign,
  caseTimeline,
  closeCase,
  exportCase,
  lookAtCase,
  openCase,
  requestReveal,
  verifyBundle,
} from '../../cases/index.js';
import { actingEmployee, type IdentityFlags } from '../identity.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { json, table } from '../render.js';
import { withDb, type Wired } from '../wiring.js';
import { caseDeps } from './case-deps.js';
import { caseText, timelineText } from './case-render.js';
import { registerTriage } from './case-triage.js';
import { registerHolds } from './case-hold.js';

type Flags = IdentityFlags & { db?: string; json?: boolean };
type Act = (
  w: Wired,
  who: string,
  o: Flags & Record<string, string | undefined>,
) => Promise<unknown>;

/** `warden case …` (triage, cases, timelines, bundles) and `warden evidence verify`. */
export function registerCaseCommands(
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  const acting = (c: Command): Command =>
    c
      .addOption(dbOption())
      .option('--token <token>', 'your API token (default: $WARDEN_TOKEN)')
      .option(
        '--insecure-as <employee>',
        'act without a token: only with WARDEN_INSECURE_IDENTITY=1',
      )
      .option('--json', 'machine-readable output');
  const cases = program
    .command('case')
    .description('investigations: alert triage, cases, timelines, evidence');
  registerTriage(cases, acting, io, setCode);
  registerHolds(program, cases, acting, io, setCode);

  /** A step as the acting employee: its result printed as JSON or as one line of text. */
  const step = (c: Command, act: Act, say: (r: unknown, args: string[]) => string): void => {
    acting(c).action((...args: unknown[]) => {
      const o = args[args.length - 2] as Flags & Record<string, string | undefined>;
      const positional = args.slice(0, -2) as string[];
      return withDb(o.db, async (w) => {
        const who = await actingEmployee(w, o);
        const r = await act(w, who.employeeId, {
          ...o,
          ...Object.fromEntries(positional.map((p, i) => [`$${i}`, p])),
        });
        io.out(o.json ? `${json(r ?? { ok: true })}\n` : `${say(r, positional)}\n`);
        return EXIT.ok;
      }).then(setCode);
    });
  };

  step(
    cases
      .command('open')
      .description('open a case')
      .requiredOption('--title <text>', 'what it is about'),
    (w, who, o) => openCase(caseDeps(w), who, o['title'] ?? ''),
    (r) => `opened case ${(r as { id: string }).id}`,
  );
  step(
    cases
      .command('add')
      .description('add a subject: an employee or a seller under investigation')
      .argument('<case>')
      .option('--employee <id>')
      .option('--seller <id>')
      .option('--reviewer <id>'),
    (w, who, o) => {
      const [kind, ref] = subjectOf(o);
      return addSubject(caseDeps(w), o['$0'] ?? '', who, kind, ref);
    },
    (_r, [id]) => `added to case ${id}`,
  );
  step(
    cases
      .command('note')
      .description('add a note (ledgered)')
      .argument('<case>')
      .argument('<text>'),
    (w, who, o) => addNote(caseDeps(w), o['$0'] ?? '', who, o['$1'] ?? ''),
    (_r, [id]) => `noted on case ${id}`,
  );
  step(
    cases
      .command('assign')
      .description('hand a case to an investigator')
      .argument('<case>')
      .argument('<employee>'),
    (w, who, o) => assign(caseDeps(w), o['$0'] ?? '', who, o['$1'] ?? ''),
    (_r, [id, to]) => `case ${id} assigned to ${to}`,
  );
  step(
    cases
      .command('close')
      .description('close a case')
      .argument('<case>')
      .requiredOption('--reason <text>'),
    (w, who, o) => closeCase(caseDeps(w), o['$0'] ?? '', who, o['reason'] ?? ''),
    (_r, [id]) => `closed case ${id}`,
  );
  step(
    cases
      .command('reveal')
      .description("ask that the case's employees be named (a second person approves)")
      .argument('<case>')
      .requiredOption('--reason <text>'),
    (w, who, o) => requestReveal(caseDeps(w), o['$0'] ?? '', who, o['reason'] ?? ''),
    (_r, [id]) =>
      `reveal of case ${id} asked: a second person runs warden case approve-reveal ${id}`,
  );
  step(
    cases
      .command('approve-reveal')
      .description('approve a reveal as the second person')
      .argument('<case>'),
    (w, who, o) => approveReveal(caseDeps(w), o['$0'] ?? '', who),
    (_r, [id]) => `case ${id} revealed`,
  );
  step(
    cases
      .command('show')
      .description('a case, employees pseudonymous until revealed (the look is ledgered)')
      .argument('<case>'),
    async (w, who, o) => (await lookAtCase(caseDeps(w), o['$0'] ?? '', who, 'view')).view,
    (r) => caseText(r as Parameters<typeof caseText>[0]),
  );
  step(
    cases
      .command('timeline')
      .description("every event of the case's subjects with its inclusion proof")
      .argument('<case>'),
    async (w, who, o) => {
      const { raw: _raw, ...t } = await caseTimeline(caseDeps(w), o['$0'] ?? '', who);
      return t;
    },
    (r) => timelineText(r as Parameters<typeof timelineText>[0]),
  );
  step(
    cases
      .command('export')
      .description('write the evidence bundle of a revealed case to a new folder')
      .argument('<case>')
      .requiredOption('--out <dir>', 'a new or empty folder'),
    (w, who, o) => exportCase(caseDeps(w), o['$0'] ?? '', who, o['out'] ?? ''),
    (r) => {
      const e = r as { dir: string; records: number; treeSize: number; manifestSha256: string };
      return `wrote ${e.dir}: ${e.records} records proved against ${e.treeSize} leaves; manifest sha256 ${e.manifestSha256}\ncheck it anywhere with: warden evidence verify ${e.dir}`;
    },
  );
  cases
    .command('list')
    .description('every case, newest first')
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action((o: { db?: string; json?: boolean }) =>
      withDb(o.db, async (w) => {
        const all = await w.store.cases.list();
        if (o.json) io.out(`${json(all)}\n`);
        else if (all.length === 0) io.out('no cases\n');
        else
          io.out(
            `${table(
              ['case', 'status', 'assignee', 'opened', 'title'],
              all.map((c) => [c.id, c.status, c.assignee ?? '', c.openedAt, c.title]),
            )}\n`,
          );
        return EXIT.ok;
      }).then(setCode),
    );
  registerEvidence(program, io, setCode);
}

function subjectOf(
  o: Record<string, string | undefined>,
): ['employee' | 'seller' | 'reviewer', string] {
  const given = (['employee', 'seller', 'reviewer'] as const).filter((k) => o[k] !== undefined);
  const kind = given[0];
  if (given.length !== 1 || kind === undefined) {
    throw new UsageError('give one of --employee ID, --seller ID or --reviewer ID');
  }
  return [kind, o[kind] ?? ''];
}

/** `warden evidence verify DIR`: offline, no database. */
function registerEvidence(program: Command, io: Io, setCode: (code: number) => void): void {
  program
    .command('evidence')
    .description('evidence bundles')
    .command('verify')
    .description('check an evidence bundle offline (no database); exit 1 when it does not verify')
    .argument('<dir>')
    .option(
      '--key <file>',
      "the log's verifier key to pin (else the bundle's own key: proves only that the bundle is whole)",
    )
    .option('--json', 'machine-readable output')
    .action((dir: string, o: { key?: string; json?: boolean }) => {
      const pinned = o.key === undefined ? undefined : readKey(o.key);
      const report = verifyBundle(dir, pinned);
      if (o.json) io.out(`${json(report)}\n`);
      else if (report.ok)
        io.out(
          `✔ ${dir}: case ${report.caseId}, ${report.records} records proved against ${report.treeSize} leaves, signed by ${report.signedBy}${report.keyFrom === 'bundle' ? " (the bundle's own key: compare it with the log's published key, or pass --key)" : ''}\n`,
        );
      else
        io.out(`✘ ${dir} does not verify:\n${report.problems.map((p) => `  ${p}`).join('\n')}\n`);
      setCode(report.ok ? EXIT.ok : EXIT.finding);
    });
}

function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new UsageError(`--key ${file}: cannot read the file`);
  }
}
