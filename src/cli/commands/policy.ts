import type { Command } from 'commander';
import pc from 'picocolors';
import {
  CompiledPolicies,
  Decider,
  cedarVersion,
  parsePolicyCase,
  parsePolicyTable,
  runPolicyCases,
  type CompiledPolicies as Compiled,
  type Decision,
} from '../../guard/index.js';
import { EXIT } from '../exit.js';
import type { Io } from '../io.js';
import { resolvePolicyDir } from '../paths.js';
import { heading, json, table } from '../render.js';
import { readTextFile } from '../read-input.js';

type Flags = { policies?: string; json?: boolean };

/** `warden policy …`: check, test and explain the guard's Cedar policies. */
export function registerPolicyCommands(
  program: Command,
  io: Io,
  setCode: (code: number) => void,
): void {
  const policy = program.command('policy').description("the guard's Cedar policies");
  const policiesOption = (c: Command): Command =>
    c
      .option(
        '--policies <dir>',
        'policy directory (default: $WARDEN_POLICIES, else the shipped set)',
      )
      .option('--json', 'machine-readable output');

  policiesOption(
    policy
      .command('validate')
      .description('parse the policies and validate them against the schema'),
  ).action((o: Flags) => setCode(validateCommand(o, io)));

  policiesOption(
    policy
      .command('test')
      .description('decide every request of a table and compare with its expected decision')
      .argument(
        '<file>',
        'one JSON request per line with "expect" (see policies/decisions.ndjson)',
      ),
  ).action((file: string, o: Flags) => setCode(testCommand(file, o, io)));

  policiesOption(
    policy
      .command('explain')
      .description('decide one request and show the deciding policies and what Cedar was given')
      .argument('<request>', 'the request as JSON (a row of a test table), or @FILE'),
  ).action((request: string, o: Flags) => setCode(explainCommand(request, o, io)));
}

function load(o: Flags): Compiled {
  return CompiledPolicies.fromDir(resolvePolicyDir(o.policies));
}

function validateCommand(o: Flags, io: Io): number {
  const p = load(o);
  const summary = {
    directory: resolvePolicyDir(o.policies),
    cedar: cedarVersion(),
    policies: p.policies.map((x) => ({
      id: x.id,
      file: x.file,
      line: x.line,
      effect: x.effect,
      pending: p.pendingIds.has(x.id),
    })),
  };
  if (o.json) {
    io.out(`${json({ valid: true, ...summary })}\n`);
    return EXIT.ok;
  }
  io.out(
    `${table(
      ['policy', 'where', 'effect'],
      summary.policies.map((x) => [
        x.id,
        `${x.file}:${x.line}`,
        x.pending ? 'forbid (pending)' : x.effect,
      ]),
    )}\n${pc.green('✓')} ${p.policies.length} policies valid against ${summary.directory} (Cedar ${summary.cedar})\n`,
  );
  return EXIT.ok;
}

function testCommand(file: string, o: Flags, io: Io): number {
  const cases = parsePolicyTable(readTextFile(file), file);
  const results = runPolicyCases(new Decider(load(o)), cases);
  const failed = results.filter((r) => !r.passed).length;
  if (o.json) {
    io.out(
      `${json({
        passed: results.length - failed,
        failed,
        cases: results.map((r) => ({
          line: r.case.line,
          name: r.case.name,
          expect: r.case.expect,
          outcome: r.decision.outcome,
          policies: r.decision.policies,
          passed: r.passed,
        })),
      })}\n`,
    );
  } else {
    const rows = results.map((r) => [
      r.case.line,
      r.case.name,
      r.case.expect ?? '',
      paint(r.decision.outcome),
      r.decision.policies.join(', ') || '(no policy permits)',
      r.passed ? pc.green('✓') : pc.red('✗'),
    ]);
    io.out(`${table(['line', 'case', 'expect', 'got', 'deciding policies', ''], rows)}\n`);
    io.out(
      failed === 0
        ? `${pc.green('✓')} all ${results.length} cases pass\n`
        : `${pc.red('✗')} ${failed} of ${results.length} cases fail\n`,
    );
  }
  return failed === 0 ? EXIT.ok : EXIT.finding;
}

function explainCommand(text: string, o: Flags, io: Io): number {
  const source = text.startsWith('@') ? text.slice(1) : '(argument)';
  const c = parsePolicyCase(text.startsWith('@') ? readTextFile(source).trim() : text, source, 1);
  const policies = load(o);
  const { decision, call } = new Decider(policies, { cacheSize: 0 }).explain(c.request);
  const deciding = decision.policies.map((id) => policies.policy(id));
  if (o.json) {
    io.out(`${json({ decision, policies: deciding, cedar: call })}\n`);
    return outcomeCode(decision);
  }
  const out = [`${pc.bold(c.name)}: ${paint(decision.outcome)}`];
  if (decision.policies.length === 0) out.push('no policy permits it (Cedar denies by default)');
  for (const p of deciding) {
    if (!p) continue;
    out.push(heading(`${p.id} — ${p.file}:${p.line}`), p.text);
  }
  for (const e of decision.errors) out.push(pc.yellow(`error: ${e}`));
  out.push(heading('What Cedar was given (entities sliced to the request)'), json(call.entities));
  out.push(heading('Context'), json(call.context));
  io.out(`${out.join('\n')}\n`);
  return outcomeCode(decision);
}

function outcomeCode(d: Decision): number {
  return d.outcome === 'deny' ? EXIT.finding : EXIT.ok;
}

function paint(outcome: string): string {
  if (outcome === 'allow') return pc.green(outcome);
  if (outcome === 'pending') return pc.yellow(outcome);
  return pc.red(outcome);
}
