import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RelayAliases, isRelayAlias } from './relay-alias.js';

describe('RelayAliases', () => {
  const key = randomBytes(32);
  const aliases = new RelayAliases(key, 'relay.marketplace.example');

  describe('when the same employee looks up the same reviewer again', () => {
    it('hands out the same alias', () => {
      expect(aliases.aliasFor('E1', 'R1')).toBe(aliases.aliasFor('E1', 'R1'));
      expect(isRelayAlias(aliases.aliasFor('E1', 'R1'))).toBe(true);
    });
  });

  describe('when two employees look up one reviewer', () => {
    it('hands each their own alias, and ids cannot be shifted between the two parts', () => {
      expect(aliases.aliasFor('E1', 'R1')).not.toBe(aliases.aliasFor('E2', 'R1'));
      expect(aliases.aliasFor('ab', 'c')).not.toBe(aliases.aliasFor('a', 'bc'));
    });

    it('never collides on generated pairs', () => {
      fc.assert(
        fc.property(fc.string(), fc.string(), fc.string(), (v1, v2, r) => {
          fc.pre(v1 !== v2);
          expect(aliases.aliasFor(v1, r)).not.toBe(aliases.aliasFor(v2, r));
        }),
      );
    });
  });

  describe('when the master key differs', () => {
    it('gives different aliases (they depend on a key that never leaves Warden)', () => {
      const other = new RelayAliases(randomBytes(32), 'relay.marketplace.example');
      expect(other.aliasFor('E1', 'R1')).not.toBe(aliases.aliasFor('E1', 'R1'));
    });
  });

  describe('when the relay domain is not a host name', () => {
    it('refuses it', () => {
      expect(() => new RelayAliases(key, 'not a domain')).toThrow(TypeError);
    });
  });
});
