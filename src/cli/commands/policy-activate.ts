import type { Command, Option } from 'commander';
import { CompiledPolicies } from '../../guard/index.js';
import { actingEmployee, type IdentityFlags } from '../identity.js';
import type { Io } from '../io.js';
import { openGuard, withDb } from '../wiring.js';
import { report } from './guard.js';

type Flags = IdentityFlags & { db?: string; json?: boolean; approval?: string };

/**
 * `warden policy activate DIR`: asks the guard to make DIR's policy set the active one. It is
 * a guarded action (`policy.activate`) decided by the set in force: who may propose is named
 * there, a second person approves (`warden approve`), and the proposer then runs the same
 * command with `--approval ID`. The event names the new set's hash and its diff by `@id`.
 */
export function registerPolicyActivate(
  policy: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  policy
    .command('activate')
    .description(
      'propose (then, once approved, activate) the policy set in DIR; exit 1 when denied',
    )
    .argument('<dir>', 'a policy directory (warden.cedarschema and *.cedar)')
    .option('--approval <id>', 'carry out the activation a second person approved')
    .option('--token <token>', 'your API token (default: $WARDEN_TOKEN)')
    .option('--insecure-as <employee>', 'only with WARDEN_INSECURE_IDENTITY=1 (demo, tests)')
    .addOption(dbOption())
    .option('--json', 'machine-readable output')
    .action((dir: string, o: Flags) =>
      withDb(o.db, async (w) => {
        // DIR is what is proposed; WARDEN_POLICIES has no say here
        const { policies: _ignored, ...flags } = o;
        const who = await actingEmployee(w, flags, { ...process.env, WARDEN_POLICIES: '' });
        const proposed = CompiledPolicies.fromDir(dir);
        const guard = await openGuard(w);
        const result = await guard.request({
          employeeId: who.employeeId,
          identity: who.identity,
          action: 'policy.activate',
          targetId: proposed.hash,
          policySet: { hash: proposed.hash, files: proposed.files() },
          ...(o.approval === undefined ? {} : { approvalId: o.approval }),
        });
        return report(result, o, io);
      }).then(setCode),
    );
}
