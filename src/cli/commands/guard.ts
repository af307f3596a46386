import type { Command, Option } from 'commander';
import pc from 'picocolors';
import {
  GUARDED_ACTIONS,
  isCaseStep,
  type GuardRequest,
  type GuardResult,
  type Identity,
  type Operation,
} from '../../guard/index.js';
import { resolveAlias } from '../../attribute/index.js';
import { EXIT, UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { heading, json, table } from '../render.js';
import { actingEmployee, type IdentityFlags } from '../identity.js';
import { openGuard, withDb } from '../wiring.js';
import { wholeNumber } from '../read-input.js';
import { requestExport } from './request-export.js';

// a policy change has its own command (warden policy activate DIR); case steps are `warden case`
const OPERATIONS = GUARDED_ACTIONS.filter(
  (a) => a !== 'approval.grant' && a !== 'policy.activate' && !isCaseStep(a),
);

type Common = { db?: string; policies?: string; json?: boolean };
type Acting = Common & IdentityFlags;
type RequestFlags = Acting & {
  ticket?: string;
  reason?: string;
  rows?: string;
  fields?: string;
  topic?: string;
  approval?: string;
  figures?: string;
  out?: string;
};

/** `warden request|approve|reject|approvals|alias`: the guarded operations from the terminal. */
export function registerGuardCommands(
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  // reading the guard's records needs no policies; asking it for a decision does
  const reading = (c: Command): Command =>
    c.addOption(dbOption()).option('--json', 'machine-readable output');
  const common = (c: Command): Command =>
    c
      .addOption(dbOption())
      .option('--token <token>', 'your API token (default: $WARDEN_TOKEN)')
      .option(
        '--insecure-as <employee>',
        'act as an employee without a token: only with WARDEN_INSECURE_IDENTITY=1 (demo, tests); recorded as asserted',
      )
      .option('--policies <dir>', 'refused: guarded operations use the active policy set')
      .option('--json', 'machine-readable output');

  common(
    program
      .command('request')
      .description(
        `ask the guard, as an employee, for one of: ${OPERATIONS.join(', ')}; exit 1 when denied`,
      )
      .argument('<action>')
      .argument('<target>', 'the seller, reviewer or review id')
      .option('--ticket <id>', 'the ticket cited as the purpose')
      .option('--reason <text>', 'why (review.delete: policy, spam, abuse, seller-request, other)')
      .option('--rows <n>', 'seller.metrics.export: rows taken')
      .option('--fields <list>', 'seller.metrics.export: comma-separated field names')
      .option('--topic <text>', "ticket.open: the new ticket's topic")
      .option('--approval <id>', 'carry out a request a second person approved')
      .option(
        '--figures <file>',
        'seller.metrics.export: the figures (CSV: seller, period, figure columns) to hand out, fingerprinted',
      )
      .option('--out <file>', 'with --figures: where the fingerprinted export is written'),
  ).action((action: string, target: string, o: RequestFlags) =>
    withDb(o.db, async (w) => {
      const who = await actingEmployee(w, o);
      const guard = await openGuard(w);
      const req = requestOf(action, target, o, who);
      const result =
        o.figures === undefined
          ? await guard.request(req)
          : await requestExport(w, guard, req, { figures: o.figures, out: o.out }, o, io);
      return report(result, o, io);
    }).then(setCode),
  );

  for (const verdict of ['approve', 'reject'] as const) {
    common(
      program
        .command(verdict)
        .description(
          verdict === 'approve'
            ? 'approve a pending request as the second person; exit 1 when refused'
            : 'turn a pending request down (or withdraw your own); exit 1 when refused',
        )
        .argument('<approval>', 'the approval id a pending request returned'),
    ).action((id: string, o: Acting) =>
      withDb(o.db, async (w) => {
        const who = await actingEmployee(w, o);
        const guard = await openGuard(w);
        const result = await (verdict === 'approve'
          ? guard.approve(id, who.employeeId, who.identity)
          : guard.reject(id, who.employeeId, who.identity));
        return report(result, o, io);
      }).then(setCode),
    );
  }

  reading(program.command('approvals').description('requests waiting for a second person')).action(
    (o: Common) =>
      withDb(o.db, async (w) => {
        const pending = await w.store.guard.approvals('pending');
        if (o.json) io.out(`${json(pending)}\n`);
        else if (pending.length === 0) io.out('no request is waiting for approval\n');
        else
          io.out(
            `${table(
              ['approval', 'requester', 'action', 'target', 'asked at', 'expires at'],
              pending.map((a) => [
                a.id,
                a.requester,
                a.action,
                a.targetId,
                a.createdAt,
                a.expiresAt,
              ]),
            )}\n`,
          );
        return EXIT.ok;
      }).then(setCode),
  );

  const alias = program.command('alias').description("reviewers' relay aliases");
  reading(
    alias
      .command('resolve')
      .description(
        'which employee received a relay alias, when, under which ticket; exit 1 if none',
      )
      .argument('<alias>'),
  ).action((value: string, o: Common) =>
    withDb(o.db, async (w) => {
      const resolved = await resolveAlias(w.store, w.aliases, value.trim().toLowerCase());
      const issues = resolved.issues.map(({ source: _source, ...issue }) => issue);
      if (resolved.indexMissing)
        io.err(
          `warden: the relay-alias index was missing a hand-out of ${value}; answered from the ledger's events (run warden ledger verify)\n`,
        );
      if (resolved.forged.length > 0)
        io.err(
          `warden: ignored ${resolved.forged.length} relay-alias index row(s) that do not recompute to ${value} (run warden ledger verify)\n`,
        );
      if (o.json) io.out(`${json(issues)}\n`);
      else if (issues.length === 0) io.out(`no employee received ${value}\n`);
      else {
        const first = issues[0]!;
        io.out(
          `${pc.bold(value)} was handed to ${pc.bold(first.viewer)} (reviewer ${first.reviewer}), ${issues.length} time(s)\n`,
        );
        io.out(
          `${table(
            ['issued at', 'employee', 'ticket', 'event'],
            issues.map((i) => [i.issuedAt, i.viewer, i.ticket ?? '(none)', i.eventId]),
          )}\n`,
        );
      }
      return issues.length > 0 ? EXIT.ok : EXIT.finding;
    }).then(setCode),
  );
}

function requestOf(
  action: string,
  target: string,
  o: RequestFlags,
  who: { employeeId: string; identity: Identity },
): GuardRequest {
  if (!(OPERATIONS as readonly string[]).includes(action)) {
    throw new UsageError(`unknown action "${action}"; one of: ${OPERATIONS.join(', ')}`);
  }
  const fields = o.fields
    ?.split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  return {
    employeeId: who.employeeId,
    identity: who.identity,
    action: action as Operation,
    targetId: target,
    ...(o.ticket === undefined ? {} : { ticketId: o.ticket }),
    ...(o.reason === undefined ? {} : { reason: o.reason }),
    ...(o.rows === undefined ? {} : { rows: wholeNumber(o.rows, '--rows') }),
    ...(fields === undefined ? {} : { fields }),
    ...(o.topic === undefined ? {} : { topic: o.topic }),
    ...(o.approval === undefined ? {} : { approvalId: o.approval }),
  };
}

export function report(r: GuardResult, o: { json?: boolean }, io: Io): number {
  if (o.json) {
    io.out(`${json(r)}\n`);
  } else {
    const word =
      r.outcome === 'allow'
        ? pc.green('allowed')
        : r.outcome === 'pending'
          ? pc.yellow('pending')
          : pc.red('denied');
    const by = r.decision.policies.join(', ') || 'no policy permits it';
    io.out(`${word} — ${by} (recorded as event ${r.eventId})\n`);
    if (r.outcome === 'pending') {
      io.out(
        `a second person approves it with: warden approve ${r.approvalId ?? ''} --token THEIR_TOKEN\n`,
      );
    }
    if (r.data) io.out(`${heading('Result')}\n${json(r.data)}\n`);
  }
  return r.outcome === 'deny' ? EXIT.finding : EXIT.ok;
}
