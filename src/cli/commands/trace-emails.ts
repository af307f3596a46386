import { readFileSync } from 'node:fs';
import type { Command, Option } from 'commander';
import pc from 'picocolors';
import { traceEmails, type TraceReport } from '../../attribute/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { withExistingDb } from '../read-only.js';
import { heading, json, table } from '../render.js';

/**
 * `warden trace emails FILE`: a subcommand of `trace` (created here if no other part of the
 * CLI registered it first, so that `trace export` can join it).
 */
export function registerTraceEmails(
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  const trace =
    program.commands.find((c) => c.name() === 'trace') ??
    program.command('trace').description('trace leaked data back to who received it');
  trace
    .command('emails')
    .description(
      'a leaked list of addresses (CSV, text, pasted e-mail headers; - for stdin): each relay alias to the employee who received it, plain addresses to reviewers and who was shown them; exit 1 when someone is named',
    )
    .argument('<file>')
    .addOption(dbOption())
    .option('--json', 'machine-readable output, with every inclusion proof')
    .action((file: string, o: { db?: string; json?: boolean }) =>
      withExistingDb(o.db, async (w) => {
        const bytes = await readLeak(file, io);
        const report = await traceEmails(w, bytes, file === '-' ? 'stdin' : file);
        io.out(o.json ? `${json(report)}\n` : describeTrace(report));
        return report.named.length > 0 ? EXIT.finding : EXIT.ok;
      }).then(setCode),
    );
}

async function readLeak(file: string, io: Io): Promise<Buffer> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new UsageError(`cannot read ${file}: ${(cause as Error).message}`);
  }
}

function describeTrace(r: TraceReport): string {
  const count = (m: string): number => r.addresses.filter((a) => a.match === m).length;
  const out = [
    `${r.file}: ${r.addresses.length} distinct address(es) in ${r.lines} line(s): ${count('alias')} relay alias(es) handed out, ${count('forged-alias') + count('malformed-alias')} forged or malformed, ${count('reviewer')} reviewer address(es), ${count('unknown')} unknown; ${r.junk.length} line(s) with an @ but no address`,
  ];
  out.push(heading('employees the leak leads to'));
  out.push(
    r.named.length === 0
      ? 'nobody'
      : table(
          [
            'employee',
            'leaked aliases they received',
            'addresses shown to them',
            'reviewers they viewed',
          ],
          r.named.map((n) => [n.employee, n.aliases, n.revealed, n.viewed]),
        ),
  );
  const rows = r.addresses.flatMap((a) =>
    a.accesses.length === 0
      ? [
          [
            a.lines.join(','),
            a.address,
            flag(a.match),
            a.canary ? `canary (${a.canary.per} ${a.canary.for})` : '',
            '',
            '',
            '',
            '',
          ],
        ]
      : a.accesses.map((x) => [
          a.lines.join(','),
          a.address,
          flag(standingOf(a, x.reviewer)),
          a.canary ? `canary (${a.canary.per} ${a.canary.for})` : '',
          x.employee,
          x.time,
          x.ticket ?? '',
          `${x.eventId} (leaf ${x.proof.leaf})`,
        ]),
  );
  out.push(heading(`addresses (accesses proved against the signed tree of size ${r.head.size})`));
  out.push(table(['line', 'address', 'match', '', 'employee', 'when', 'ticket', 'event'], rows));
  for (const j of r.junk.slice(0, 10))
    out.push(pc.yellow(`line ${j.line}: no address in ${JSON.stringify(j.text)}`));
  out.push('');
  return out.join('\n');
}

/** `reviewer`, or `reviewer (not-current)` when the match is not the reviewer's address now. */
function standingOf(a: TraceReport['addresses'][number], reviewer: string): string {
  const standing = a.reviewers?.find((r) => r.id === reviewer)?.standing;
  return standing === undefined || standing === 'current' ? a.match : `${a.match} (${standing})`;
}

function flag(match: string): string {
  return /forged|malformed|not-current/.test(match) ? pc.red(match) : match;
}
