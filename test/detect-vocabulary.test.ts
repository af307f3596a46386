import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions, simulate } from '../src/sim/index.js';

// Detection must not know any organisation's vocabulary (issue 12, item 1): no team, role or
// site name of either simulated world — nor a team's function prefix such as `analytics` of
// `analytics-sea-1` — may appear as a string literal in the detection code.

const DETECT = resolve(import.meta.dirname, '..', 'src', 'detect');

function orgNames(world: 'a' | 'b'): Set<string> {
  const names = new Set<string>();
  simulate(resolveOptions({ preset: 'small', seed: 1, world }), {
    write(_file, lines) {
      for (const line of lines) {
        const r = JSON.parse(line) as Record<string, unknown>;
        if (r['kind'] !== 'employee') continue;
        for (const key of ['team', 'role', 'site']) {
          const v = String(r[key]).toLowerCase();
          names.add(v);
          // `analytics-sea-1` → `analytics`: the function a team name encodes.
          names.add(v.replace(/(-[a-z]{3})?-\d+$/, ''));
        }
      }
    },
  });
  return names;
}

function literals(): { file: string; value: string }[] {
  return readdirSync(DETECT)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'test-support.ts')
    .flatMap((file) =>
      [
        ...readFileSync(join(DETECT, file), 'utf8').matchAll(
          /'([^'\n]*)'|"([^"\n]*)"|`([^`\n$]*)`/g,
        ),
      ].map((m) => ({ file, value: (m[1] ?? m[2] ?? m[3] ?? '').toLowerCase() })),
    );
}

describe('detection code', () => {
  it('holds no team, role or site name of either world', () => {
    const names = new Set([...orgNames('a'), ...orgNames('b')]);
    expect(names.size).toBeGreaterThan(10);
    expect(names).toContain('analytics');
    expect(names).toContain('legal');
    const found = literals().filter((l) => names.has(l.value));
    expect(found).toEqual([]);
  });

  it('would see one if it were there (the scan reads string literals)', () => {
    expect(literals().some((l) => l.value === 'seller.metrics.view')).toBe(true);
  });
});
