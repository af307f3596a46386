import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDb, employee, event, line, runCli, tempDir } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));

// Issue 13, rows 7, 8, 9 and 11: lines an attacker sends to crash the import, to make the
// stored record differ from its line, or to pass one employee off as another on screen. Each
// is refused with its line, field and code; the database is left as it was; --skip-invalid
// lands the rest of the file.
describe('hostile interchange lines', () => {
  const dir = tempDir('warden-hostile-');
  const db = join(dir.path, 'h.db');
  let before = '';

  beforeAll(async () => {
    const seed = join(dir.path, 'seed.ndjson');
    writeFileSync(seed, [employee('e-1'), event('ev-0')].join('\n') + '\n');
    expect((await runCli(['ingest', seed, '--db', db])).code).toBe(0);
    before = dumpDb(db);
  });
  afterAll(() => dir.cleanup());

  const deep = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  const withAttrs = (id: string, attrsText: string): string =>
    `${event(id).slice(0, -1)},"attrs":${attrsText}}`;

  const attacks: [string, string, string, string][] = [
    // row 7: a 30 KB line nesting 4,500 levels crashed the import with a stack overflow
    ['attrs nested 4,500 levels', withAttrs('x1', deep(4500)), 'TOO_DEEP', 'attrs.a.a.a.a'],
    [
      'a context value nested 3,000 levels',
      `${event('x2').slice(0, -1)},"context":{"ip":${'['.repeat(3000)}${']'.repeat(3000)}}}`,
      'TOO_DEEP',
      'context.ip.0.0.0',
    ],
    [
      'a reviewer whose attrs nest 20 levels',
      `${line({ v: 1, kind: 'reviewer', id: 'u-1', email: 'a@b.org' }).slice(0, -1)},"attrs":${deep(20)}}`,
      'TOO_DEEP',
      'attrs.a',
    ],
    // row 8: 1e400 reached the hashing thread as Infinity and failed the whole file
    [
      'an attrs value 1e400',
      withAttrs('x3', '{"rows":1,"size":1e400}'),
      'NON_FINITE_NUMBER',
      'attrs.size',
    ],
    [
      'a nested -1e999',
      withAttrs('x4', '{"a":[1,{"b":-1e999}]}'),
      'NON_FINITE_NUMBER',
      'attrs.a.1.b',
    ],
    // row 9: zod dropped __proto__, so the stored record and its leaf differed from the line
    [
      '__proto__ in attrs',
      withAttrs('x5', '{"__proto__":{"admin":true},"k":1}'),
      'FORBIDDEN_KEY',
      'attrs.__proto__',
    ],
    [
      'constructor deep in attrs',
      withAttrs('x6', '{"a":{"constructor":{"b":1}}}'),
      'FORBIDDEN_KEY',
      'attrs.a.constructor',
    ],
    [
      'prototype in a seller',
      line({
        v: 1,
        kind: 'seller',
        id: 's-9',
        category: 'c',
        region: 'r',
        attrs: { prototype: 1 },
      }),
      'FORBIDDEN_KEY',
      'attrs.prototype',
    ],
    [
      'a top-level __proto__',
      `${event('x7').slice(0, -1)},"__proto__":{}}`,
      'FORBIDDEN_KEY',
      '__proto__',
    ],
    // row 11: ids that look like others on screen
    [
      'a right-to-left override in the actor',
      event('x8', { actor: 'e-\u202E31000' }),
      'UNSAFE_ID',
      'actor',
    ],
    ['a zero-width space in an employee id', employee('e-\u200B1'), 'UNSAFE_ID', 'id'],
    [
      'a Cyrillic а among the Latin letters of the actor',
      event('x9', { actor: 'ad\u0430m-1' }),
      'UNSAFE_ID',
      'actor',
    ],
    [
      'a Greek Ο in a target id',
      event('x10', { target: { type: 'seller', id: 's-\u039F1' } }),
      'UNSAFE_ID',
      'target.id',
    ],
    ['a trailing no-break space', event('x11', { ticket: 't-1\u00A0' }), 'UNSAFE_ID', 'ticket'],
    ['a decomposed é (not NFC)', employee('e\u0301-2'), 'UNSAFE_ID', 'id'],
  ];

  describe.each(attacks)('when a line holds %s', (_name, text, code, field) => {
    it('refuses the file naming the line, field and code, and changes nothing', async () => {
      const file = join(dir.path, `${code}-${field}.ndjson`);
      writeFileSync(file, `${event('ok-1')}\n${text}\n`);
      const r = await runCli(['ingest', file, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${file}:2: [${code}] ${field}`);
      expect(r.err).not.toMatch(/unexpected|stack size|NODE_MISSING/);
      expect(dumpDb(db)).toBe(before);
    });
  });

  describe('when the file is imported with --skip-invalid', () => {
    it('lands every other line and sends each attack to the rejects file with its code', async () => {
      const file = join(dir.path, 'all.ndjson');
      const texts = attacks.map(([, text]) => text);
      writeFileSync(file, [event('ok-2'), ...texts, event('ok-3')].join('\n') + '\n');
      const r = await runCli(['ingest', file, '--db', db, '--skip-invalid', '--json']);
      expect(r.code).toBe(0);
      const [report] = JSON.parse(r.out) as { events: number; rejected: number }[];
      expect(report).toMatchObject({ events: 2, rejected: attacks.length });
      const rejects = readFileSync(`${file}.rejects.ndjson`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { line: number; code: string; field: string });
      expect(rejects.map((x) => [x.line, x.code])).toEqual(
        attacks.map(([, , code], i) => [i + 2, code]),
      );
      // a deep value's field is its path down to the level past the limit
      rejects.forEach((x, i) => expect(x.field.startsWith(attacks[i]![3])).toBe(true));
      before = dumpDb(db);
    });
  });

  describe('when the compiled command meets them (hashing on its worker thread)', () => {
    it('reports each with its line, lands the rest, and the ledger verifies', () => {
      const file = join(dir.path, 'worker.ndjson');
      const hostile = [withAttrs('w1', '{"n":1e400}'), withAttrs('w2', deep(4500))];
      writeFileSync(file, [event('w0'), ...hostile, event('w3')].join('\n') + '\n');
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [BIN, ...args, '--db', db], { encoding: 'utf8' });
      const refused = run('ingest', file);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(`${file}:2: [NON_FINITE_NUMBER] attrs.n`);
      expect(refused.stderr).toContain(`${file}:3: [TOO_DEEP] attrs.a`);
      expect(refused.stderr).not.toMatch(/NODE_MISSING|hashing failed|stack size/);
      const landed = run('ingest', file, '--skip-invalid', '--json');
      expect(landed.status).toBe(0);
      expect(JSON.parse(landed.stdout)).toMatchObject([{ events: 2, rejected: 2 }]);
      expect(run('ledger', 'verify').status).toBe(0);
    });
  });
});
