/**
 * Links the compiled CLI (`dist/src`, written by `tsc`) into a few files in `dist/cli`, which
 * `bin/warden.js` runs: node then loads a command's code from a handful of files instead of
 * ~290 modules, one by one (~60 ms of every command's start, BENCHMARKS.md). Nothing is
 * compiled again: `tsc` stays the compiler, esbuild only joins its output. Each command's code
 * still loads only when the command runs (every `import()` becomes a chunk of its own), and
 * packages stay outside (node loads them from `node_modules`).
 *
 * A worker thread's entry (`*-worker.js`, which a module names beside itself:
 * `new URL('./x-worker.js', import.meta.url)`) is an entry of its own, under the same name in
 * the same folder, so that the name resolves from the chunk the module landed in. The hash of
 * the detection modules linked (`hashDetectionModules`, which a saved state's version carries)
 * is written into the chunks: the linked CLI needs no module files beside it to know its code.
 *
 *   node dist/scripts/bundle-cli.js        (run by `npm run build`)
 */
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashDetectionModules } from '../src/cli/commands/detection-code.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPILED = join(ROOT, 'dist', 'src');
/** Where the linked CLI goes (`bin/warden.js` imports its `main.js`). */
const BUNDLE_DIR = join(ROOT, 'dist', 'cli');

/** The compiled files that start a worker thread, found by name. */
function workerEntries(dir = COMPILED): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /-worker\.js$/.test(entry.name))
      found.push(join(entry.parentPath, entry.name));
  }
  const names = found.map((f) => basename(f));
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0)
    throw new Error(
      `two worker entries named ${twice.join(', ')}: the linked CLI keeps one folder, so each needs its own name`,
    );
  return found.sort();
}

async function bundle(): Promise<void> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await build({
    entryPoints: [join(COMPILED, 'cli', 'main.js'), ...workerEntries()],
    outdir: BUNDLE_DIR,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    define: {
      WARDEN_DETECTION_CODE: JSON.stringify(hashDetectionModules(join(COMPILED, 'detect'))),
    },
    logLevel: 'warning',
  });
}

await bundle();
