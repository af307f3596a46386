import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Decider } from './decider.js';
import { GuardError } from './errors.js';
import { CompiledPolicies } from './policy-set.js';
import { DEFAULT_POLICY_DIR, employee } from './test-support.js';

/** A copy of the default policies with one file replaced or added. */
function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-policies-'));
  for (const name of readdirSync(DEFAULT_POLICY_DIR)) {
    writeFileSync(join(dir, name), readFileSync(join(DEFAULT_POLICY_DIR, name)));
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function failure(dir: string): GuardError {
  try {
    CompiledPolicies.fromDir(dir);
  } catch (error) {
    if (error instanceof GuardError) return error;
    throw error;
  }
  throw new Error('compiled');
}

describe('CompiledPolicies', () => {
  describe('when the default set is compiled', () => {
    it('validates against the schema and knows which forbids hold for approval', () => {
      const p = CompiledPolicies.fromDir(DEFAULT_POLICY_DIR);
      expect(p.policies.length).toBeGreaterThanOrEqual(20);
      expect([...p.pendingIds].sort()).toEqual([
        'contact-reveal-second-approver',
        'enforce-second-approver',
        'policy-activate-second-approver',
        'review-delete-second-approver',
      ]);
    });
  });

  describe('when a policy does not parse', () => {
    it('names the file and line', () => {
      const e = failure(
        policyDir({
          'extra.cedar':
            '\n\n@id("x")\npermit(principal, action, resource) when { principal.team == };\n',
        }),
      );
      expect(e.code).toBe('POLICY_INVALID');
      expect(e.message).toMatch(/extra\.cedar:4:/);
    });
  });

  describe('when a policy uses an attribute the schema lacks', () => {
    it('fails validation, naming the file, line and policy', () => {
      const e = failure(
        policyDir({
          'extra.cedar':
            '// a comment\n@id("wrong-attr")\npermit(principal, action == Warden::Action::"review.view", resource)\nwhen { principal.salary > 3 };\n',
        }),
      );
      expect(e.code).toBe('POLICY_INVALID');
      expect(e.message).toMatch(/extra\.cedar:[2-4]:.*\[policy wrong-attr\]/);
    });
  });

  describe('when a policy has no @id, or repeats one', () => {
    it('refuses the set', () => {
      expect(
        failure(policyDir({ 'extra.cedar': 'permit(principal, action, resource);' })).message,
      ).toMatch(/@id/);
      expect(
        failure(
          policyDir({
            'extra.cedar': '@id("seller-by-assignment")\nforbid(principal, action, resource);',
          }),
        ).message,
      ).toMatch(/is used already/);
    });
  });

  describe('when the policy directory does not exist', () => {
    it('says so with POLICY_INVALID and the path', () => {
      const e = failure('/nonexistent/warden-policies');
      expect(e.code).toBe('POLICY_INVALID');
      expect(e.message).toMatch(/cannot read the policy directory \/nonexistent\/warden-policies/);
    });
  });

  describe('when the schema is broken', () => {
    it('says so with SCHEMA_INVALID', () => {
      expect(failure(policyDir({ 'warden.cedarschema': 'namespace Warden { entity ' })).code).toBe(
        'SCHEMA_INVALID',
      );
    });
  });

  describe('when the policies change under a running decider', () => {
    it('never answers from the old set', () => {
      const decider = new Decider(CompiledPolicies.fromDir(DEFAULT_POLICY_DIR));
      const req = {
        principal: employee('e1', { assignedSellers: ['s1'] }),
        action: 'seller.metrics.view' as const,
        resource: { type: 'Seller' as const, id: 's1' },
      };
      expect(decider.decide(req).outcome).toBe('allow');
      const stricter = policyDir({
        'extra.cedar':
          '@id("metrics-frozen")\nforbid(principal, action == Warden::Action::"seller.metrics.view", resource);\n',
      });
      decider.use(CompiledPolicies.fromDir(stricter));
      expect(decider.decide(req)).toMatchObject({ outcome: 'deny', policies: ['metrics-frozen'] });
    });
  });
});
