import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Ground truth must never reach detection: the simulator's labels (src/sim/labels.ts and the
// reader in src/sim/output.ts) and its scoring are reachable only from the eval command.
// This walks the real import graph of the sources, static and dynamic imports alike.

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') &&
      !/\.(test|contract)\.ts$/.test(path) &&
      !path.endsWith('test-support.ts')
      ? [path]
      : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ];
  return specs
    .map((m) => m[1] ?? m[2] ?? '')
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

const graph = new Map(sources(SRC).map((f) => [f, importsOf(f)]));

function reachable(from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...(graph.get(f) ?? []));
  }
  return seen;
}

const GROUND_TRUTH = ['sim/labels.ts', 'sim/output.ts', 'sim/score.ts'].map((f) => join(SRC, f));
const rel = (f: string): string => relative(ROOT, f);

describe('labels isolation', () => {
  it('finds the ground truth from the eval command (the walk works)', () => {
    const fromEval = reachable(join(SRC, 'cli/commands/eval.ts'));
    for (const f of GROUND_TRUTH) expect([...fromEval].map(rel)).toContain(rel(f));
  });

  it('never reaches labels, their reader or scoring from any context but sim and cli', () => {
    const leaks: string[] = [];
    for (const file of graph.keys()) {
      const context = relative(SRC, file).split('/')[0];
      if (context === 'sim' || context === 'cli') continue;
      for (const f of reachable(file))
        if (GROUND_TRUTH.includes(f)) leaks.push(`${rel(file)} → ${rel(f)}`);
    }
    expect(leaks).toEqual([]);
    // The detection context, when it exists, is covered by the loop above.
    expect([...graph.keys()].some((f) => relative(SRC, f).startsWith('ingest/'))).toBe(true);
  });

  it('reads labels in one place outside sim: the eval scoring step, after detection', () => {
    const readers = [...graph.keys()].filter(
      (f) => !f.startsWith(join(SRC, 'sim')) && /\breadLabels\(/.test(readFileSync(f, 'utf8')),
    );
    expect(readers.map(rel)).toEqual(['src/cli/commands/eval.ts']);
    const text = readFileSync(join(SRC, 'cli/commands/eval.ts'), 'utf8');
    const body = text.slice(text.indexOf('export async function evalCommand'));
    expect(body.indexOf('await ingestAndDetect(')).toBeGreaterThan(0);
    expect(body.indexOf('await ingestAndDetect(')).toBeLessThan(body.indexOf('await score('));
  });
});
