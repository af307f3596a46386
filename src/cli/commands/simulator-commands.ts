import { Option, type Command } from 'commander';
import { PRESET_NAMES, WORLD_NAMES, type PresetName } from '../../sim/index.js';
import { wholeNumber } from '../read-input.js';
import type { Io } from '../io.js';

/** `warden demo`'s flags; `--serve` (npm start) goes on to serve the console. */
type DemoOptions = {
  db: string;
  dir: string;
  preset: PresetName;
  seed: string;
  serve?: boolean;
  port: string;
  host: string;
};

/**
 * `warden simulate` and `warden demo`: the commands whose flags offer the simulator's presets
 * and worlds. Registered from here (a command group) so that only they load the simulator to
 * list those names; `warden detect` and the rest start without it.
 */
export function registerSimulatorCommands(
  program: Command,
  _dbOption: () => Option,
  io: Io,
  setCode: (code: number) => void,
): void {
  program
    .command('simulate')
    .description(
      'write a seeded, simulated marketplace (interchange v1) and its ground truth to DIR',
    )
    .addOption(
      new Option('--preset <name>', 'size of the run').choices(PRESET_NAMES).default('small'),
    )
    .addOption(
      new Option(
        '--world <name>',
        'the organisation: a (the first world) or b (other names, structure and habits)',
      )
        .choices(WORLD_NAMES)
        .default('a'),
    )
    .option('--seed <n>', 'the seed: the same seed gives the same bytes', '1')
    .requiredOption('--out <dir>', 'a new or empty directory to write into')
    .option('--employees <n>', "override the preset's staff (50–20,000)")
    .option('--days <n>', "override the preset's days (7–120)")
    .option(
      '--camouflage',
      'rings also touch the most popular sellers, hiding among honest traffic',
    )
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        preset: string;
        world: string;
        seed: string;
        out: string;
        employees?: string;
        days?: string;
        json?: boolean;
      }) => {
        setCode((await import('./simulate.js')).simulateCommand(o, io));
      },
    );

  program
    .command('demo')
    .description(
      'the main job of `npm start`: simulate a marketplace month, run the pipeline, report and score it',
    )
    .addOption(
      new Option('--db <path>', 'where to build the demo database').default('warden-demo.db'),
    )
    .addOption(new Option('--dir <path>', 'where to write the simulation').default('warden-demo'))
    .addOption(
      new Option('--preset <name>', 'size of the run').choices(PRESET_NAMES).default('medium'),
    )
    .option('--seed <n>', 'the seed', '1')
    .option('--serve', 'then serve the API and web console, printing sign-in tokens (npm start)')
    .option('--port <n>', 'with --serve: the port', '8080')
    .option('--host <h>', 'with --serve: the address to listen on', '127.0.0.1')
    .action(async (o: DemoOptions) => {
      const { demoCommand } = await import('./demo.js');
      let code = await demoCommand({ ...o, seed: wholeNumber(o.seed, '--seed') }, io);
      if (code === 0 && o.serve === true)
        code = await (await import('./demo-serve.js')).serveDemo(o, io);
      setCode(code);
    });
}
