import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS, commandNameOf, groupsFor, registerGroups } from './command-groups.js';
import { main } from './main.js';

const io = { out: () => {}, err: () => {}, stdin: process.stdin };
const dbOption = (): Option => new Option('--db <path>');
const argv = (...words: string[]): string[] => ['node', 'warden', ...words];

/** The top-level commands `groups` add to an empty program. */
async function namesAdded(groups: typeof COMMAND_GROUPS): Promise<string[]> {
  const program = new Command('warden');
  await registerGroups(groups, program, dbOption, io, () => {});
  return program.commands.map((c) => c.name());
}

describe('COMMAND_GROUPS', () => {
  it('lists, for each group, exactly the top-level commands it registers', async () => {
    for (const group of COMMAND_GROUPS) expect(await namesAdded([group])).toEqual(group.names);
  });

  it('names each command once', () => {
    const names = COMMAND_GROUPS.flatMap((g) => g.names);
    expect(new Set(names).size).toBe(names.length);
  });

  it('are all listed by the whole help', async () => {
    let help = '';
    await main(argv('--help'), { ...io, out: (t) => (help += t) });
    const listed = [...help.split('\nCommands:\n')[1]!.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(expect.arrayContaining(COMMAND_GROUPS.flatMap((g) => g.names)));
  });
});

describe('commandNameOf', () => {
  it('is the first word, after the program-wide --pg and its value', () => {
    expect(commandNameOf(argv('detect', '--db', 'x'))).toBe('detect');
    expect(commandNameOf(argv('--pg', 'postgres://a@b/c', 'case', 'list'))).toBe('case');
    expect(commandNameOf(argv('--pg=postgres://a@b/c', 'ledger'))).toBe('ledger');
  });

  it('is undefined when an option comes first or there is no word', () => {
    expect(commandNameOf(argv('--help'))).toBeUndefined();
    expect(commandNameOf(argv('-h', 'case'))).toBeUndefined();
    expect(commandNameOf(argv())).toBeUndefined();
    expect(commandNameOf(argv('--pg'))).toBeUndefined();
  });
});

describe('groupsFor', () => {
  const builtIn = new Set(['detect', 'stats']);

  it('loads no group for a command main defines, nor for the version', () => {
    expect(groupsFor(argv('detect', '--full'), builtIn)).toEqual([]);
    for (const line of [argv('--version'), argv('-V'), argv('--pg', 'postgres://x', '-V')])
      expect(groupsFor(line, builtIn)).toEqual([]);
  });

  it('loads only the group of the command named', () => {
    expect(groupsFor(argv('appeal', 'file'), builtIn).map((g) => g.names)).toEqual([
      ['action', 'appeal'],
    ]);
  });

  it('loads every group for the help, `help X` and an unknown command', () => {
    for (const line of [argv('--help'), argv('help', 'case'), argv('nosuch'), argv()])
      expect(groupsFor(line, builtIn)).toBe(COMMAND_GROUPS);
  });
});
