import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Decider } from './decider.js';
import type { GuardError } from './errors.js';
import { parsePolicyCase, parsePolicyTable, runPolicyCases } from './policy-table.js';
import { DEFAULT_POLICY_DIR, defaultPolicies } from './test-support.js';

const SHIPPED = join(DEFAULT_POLICY_DIR, 'decisions.ndjson');

function errorOf(f: () => unknown): GuardError {
  try {
    f();
  } catch (error) {
    return error as GuardError;
  }
  throw new Error('parsed');
}

describe('the policy test table', () => {
  describe('when the shipped table runs against the default policies', () => {
    const cases = parsePolicyTable(readFileSync(SHIPPED, 'utf8'), SHIPPED);
    const results = runPolicyCases(new Decider(defaultPolicies()), cases);

    it('passes every case', () => {
      const failed = results.filter((r) => !r.passed).map((r) => `${r.case.line} ${r.case.name}`);
      expect(failed).toEqual([]);
    });

    it('has every default policy decide at least one allow-or-pending and every forbid one deny', () => {
      const deciding = new Set(results.flatMap((r) => r.decision.policies));
      const missing = defaultPolicies()
        .policies.map((p) => p.id)
        .filter((id) => !deciding.has(id));
      expect(missing).toEqual([]);
      expect(new Set(results.map((r) => r.decision.outcome))).toEqual(
        new Set(['allow', 'deny', 'pending']),
      );
    });
  });

  describe('when a row is wrong', () => {
    it('names the line and the field', () => {
      const bad = errorOf(() =>
        parsePolicyTable(
          '# c\n\n{"principal":{"id":"a","team":"t","role":"r"},"action":"seller.metrics.view","resource":{"seller":"s"},"expect":"maybe"}\n',
          'cases.ndjson',
        ),
      );
      expect(bad.code).toBe('REQUEST_INVALID');
      expect(bad.message).toMatch(/^cases\.ndjson:3: field expect:/);
      expect(
        errorOf(() =>
          parsePolicyCase(
            '{"principal":{"id":"a","team":"t","role":"r"},"action":"x","resource":{"seller":"s"}}',
            'q',
            1,
          ),
        ).message,
      ).toMatch(/field action/);
      expect(errorOf(() => parsePolicyCase('{"principal":', 'q', 7)).message).toMatch(
        /^q:7: not JSON/,
      );
      expect(
        errorOf(() =>
          parsePolicyCase(
            '{"principal":{"id":"a","team":"t","role":"r","salary":1},"action":"review.view","resource":{"seller":"s"}}',
            'q',
            2,
          ),
        ).message,
      ).toMatch(/field principal/);
    });

    it('refuses a test row without an expected decision, and an empty table', () => {
      expect(
        errorOf(() =>
          parsePolicyTable(
            '{"principal":{"id":"a","team":"t","role":"r"},"action":"review.view","resource":{"seller":"s"}}',
            'f',
          ),
        ).message,
      ).toMatch(/f:1: field expect/);
      expect(errorOf(() => parsePolicyTable('# nothing\n', 'f')).message).toMatch(/no test cases/);
    });
  });
});
