import { describe, expect, it } from 'vitest';
import { GuardError } from './errors.js';
import { diffPolicySets, policySetHash, textsFromFiles } from './policy-pin.js';
import { CompiledPolicies } from './policy-set.js';
import { defaultPolicies } from './test-support.js';

describe('policy-set identity', () => {
  const shipped = defaultPolicies();

  describe('when a set is stored and read back by its files', () => {
    it('hashes to the same name and compiles to the same policies', () => {
      const again = CompiledPolicies.fromFiles(shipped.files(), shipped.hash);
      expect(again.hash).toBe(shipped.hash);
      expect(again.policies.map((p) => p.id)).toEqual(shipped.policies.map((p) => p.id));
    });
  });

  describe('when one character of one file changes', () => {
    it('gets another hash, and the diff names the changed, added and removed policies', () => {
      const files = { ...shipped.files() };
      files['employees.cedar'] = files['employees.cedar']!.replace(
        '{ principal.active }',
        '{ principal.active  }',
      );
      expect(policySetHash(files)).not.toBe(shipped.hash);
      files['extra.cedar'] = '@id("x")\nforbid(principal, action, resource);\n';
      delete files['purpose.cedar'];
      const edited = textsFromFiles(files, policySetHash(files));
      expect(diffPolicySets(shipped.texts, edited)).toEqual({
        added: ['x'],
        removed: ['purpose-not-self-given'],
        changed: ['employee-active'],
        schemaChanged: false,
      });
    });
  });

  describe('when a stored set has an odd file name or no schema', () => {
    it('refuses it', () => {
      const files = { ...shipped.files(), '../evil.cedar': '' };
      expect(() => textsFromFiles(files, 'h')).toThrow(GuardError);
      const { 'warden.cedarschema': _schema, ...noSchema } = shipped.files();
      expect(() => textsFromFiles(noSchema, 'h')).toThrow(/no schema/);
    });
  });
});
