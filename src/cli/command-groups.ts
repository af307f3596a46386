import type { Command, Option } from 'commander';
import type { Io } from './io.js';

/** What registers a group of commands on the program (as `main` wires every one). */
export type RegisterGroup = (
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
) => void;

/** Commands registered by their own modules: the top-level names each group adds, and how. */
export interface CommandGroup {
  readonly names: readonly string[];
  readonly load: () => Promise<RegisterGroup>;
}

const find = (program: Command, name: string): Command =>
  program.commands.find((c) => c.name() === name)!;

/**
 * Every group, in the order `warden --help` lists them. A group's modules (and what they
 * import: the guard's Cedar, the cases, attribution, NATS…) load only for a command line that
 * names one of its commands, or for the whole help: start-up pays for the command it runs.
 */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    names: ['simulate', 'demo'],
    load: async () => (await import('./commands/simulator-commands.js')).registerSimulatorCommands,
  },
  {
    names: ['ledger'],
    load: async () => (await import('./commands/ledger.js')).registerLedgerCommands,
  },
  {
    names: ['worker', 'merge'],
    load: async () => (await import('./commands/stream-commands.js')).registerStreamCommands,
  },
  {
    names: ['request', 'approve', 'reject', 'approvals', 'alias'],
    load: async () => (await import('./commands/guard.js')).registerGuardCommands,
  },
  {
    names: ['witness'],
    load: async () => {
      const { registerWitnessCommands } = await import('./commands/witness.js');
      return (program, _db, io, setCode) => registerWitnessCommands(program, io, setCode);
    },
  },
  {
    names: ['policy'],
    load: async () => {
      const [{ registerPolicyCommands }, { registerPolicyActivate }] = await Promise.all([
        import('./commands/policy.js'),
        import('./commands/policy-activate.js'),
      ]);
      return (program, db, io, setCode) => {
        registerPolicyCommands(program, io, setCode);
        registerPolicyActivate(find(program, 'policy'), db, io, setCode);
      };
    },
  },
  {
    names: ['token'],
    load: async () => (await import('./commands/token.js')).registerTokenCommands,
  },
  {
    names: ['canary'],
    load: async () => (await import('./commands/canary.js')).registerCanaryCommands,
  },
  {
    names: ['trace'],
    load: async () => {
      const [{ registerTraceCommands }, { registerTraceEmails }] = await Promise.all([
        import('./commands/trace.js'),
        import('./commands/trace-emails.js'),
      ]);
      return (program, db, io, setCode) => {
        registerTraceCommands(program, db, io, setCode);
        registerTraceEmails(program, db, io, setCode);
      };
    },
  },
  {
    names: ['case', 'erase', 'evidence'],
    load: async () => (await import('./commands/case.js')).registerCaseCommands,
  },
  {
    names: ['action', 'appeal'],
    load: async () => {
      const [{ registerActionCommands }, { registerAppealCommands }] = await Promise.all([
        import('./commands/action.js'),
        import('./commands/appeal.js'),
      ]);
      return (program, db, io, setCode) => {
        registerActionCommands(program, db, io, setCode);
        registerAppealCommands(program, find(program, 'action'), db, io, setCode);
      };
    },
  },
];

/** A command line's first argument after the program's own option (`--pg URL`), if any. */
function firstArgumentOf(argv: readonly string[]): string | undefined {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--pg') i++;
    else if (!arg.startsWith('--pg=')) return arg;
  }
  return undefined;
}

/**
 * The command a command line names: its first word after the program's own option (`--pg
 * URL`); undefined when an option comes first (`--help`, `-h`, a mistake) or no word at all.
 */
export function commandNameOf(argv: readonly string[]): string | undefined {
  return commandIn(firstArgumentOf(argv));
}

/** The command a first argument names: none when it is an option, or there is none. */
const commandIn = (first: string | undefined): string | undefined =>
  first === undefined || first.startsWith('-') ? undefined : first;

/**
 * The groups to register for `argv`: the one that holds the command named, none for a command
 * `main` defines itself (`builtIn`) or for `--version` (printed before any command is looked
 * at), and all of them otherwise — the whole help, `warden help X`, an unknown command (whose
 * error lists what there is).
 */
export function groupsFor(
  argv: readonly string[],
  builtIn: ReadonlySet<string>,
  groups: readonly CommandGroup[] = COMMAND_GROUPS,
): readonly CommandGroup[] {
  const first = firstArgumentOf(argv);
  if (first === '-V' || first === '--version') return [];
  const name = commandIn(first);
  if (name !== undefined && builtIn.has(name)) return [];
  const group = groups.find((g) => g.names.includes(name ?? ''));
  return group ? [group] : groups;
}

/** Registers `groups` on the program, in their order (their modules loaded side by side). */
export async function registerGroups(
  groups: readonly CommandGroup[],
  program: Command,
  dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): Promise<void> {
  const registers = await Promise.all(groups.map((g) => g.load()));
  for (const register of registers) register(program, dbOption, io, setCode);
}
