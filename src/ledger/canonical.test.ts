import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '../domain/index.js';
import { canonicalEventLine, canonicalJson } from './canonical.js';

// The `canonicalize` package (RFC 8785's reference JavaScript implementation, by one of its
// authors) is the oracle; its typings claim an ES default export of a CommonJS function.
const oracle = canonicalizeModule as unknown as (v: unknown) => string | undefined;

const json = fc.jsonValue({ maxDepth: 4 });
const text = fc.string({ unit: 'grapheme-composite', maxLength: 20 });

const eventArb = fc.record(
  {
    id: text,
    time: text,
    actor: text,
    action: fc.constantFrom('seller.metrics.view', 'review.delete', 'x-custom'),
    target: fc.record({ type: fc.constantFrom('seller', 'review', 'dataset'), id: text }),
    outcome: fc.constantFrom('allowed', 'denied', 'pending'),
    ticket: text,
    context: fc.record({ ip: text, device: text, session: text, geo: text }, { requiredKeys: [] }),
    attrs: fc.dictionary(text, json),
  },
  { requiredKeys: ['id', 'time', 'actor', 'action', 'target'] },
);

describe('canonicalJson', () => {
  describe('when given any JSON value', () => {
    it('writes what the RFC 8785 reference implementation writes', () => {
      fc.assert(
        fc.property(json, (v) => {
          expect(canonicalJson(v)).toBe(oracle(v));
        }),
      );
    });
  });
  describe('when given the RFC 8785 §3.2.3 sorting example', () => {
    it('orders members by UTF-16 code units', () => {
      const value = {
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '\ufb33': 'Hebrew Letter Dalet With Dagesh',
        '1': 'One',
        '\ud83d\ude00': 'Emoji: Grinning Face',
        '\u0080': 'Control',
        '\u00f6': 'Latin Small Letter O With Diaeresis',
      };
      expect(Object.values(JSON.parse(canonicalJson(value)) as Record<string, string>)).toEqual([
        'One',
        'Carriage Return',
        'Control',
        'Latin Small Letter O With Diaeresis',
        'Euro Sign',
        'Emoji: Grinning Face',
        'Hebrew Letter Dalet With Dagesh',
      ]);
      expect(canonicalJson({ n: [1e21, 1e-7, -0, 0.1 + 0.2] })).toBe(
        '{"n":[1e+21,1e-7,0,0.30000000000000004]}',
      );
    });
  });
  describe('when given what JSON cannot hold', () => {
    it('throws', () => {
      expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
      expect(() => canonicalJson({ a: Infinity })).toThrow(TypeError);
    });
  });
});

describe('canonicalEventLine', () => {
  describe('when given any event', () => {
    it('equals the generic canonical form of its interchange line', () => {
      fc.assert(
        fc.property(eventArb, (generated) => {
          const e = generated as AccessEvent;
          const line = { v: 1, kind: 'event', ...e };
          expect(canonicalEventLine(e)).toBe(canonicalJson(line));
          expect(canonicalEventLine(e)).toBe(oracle(line));
        }),
      );
    });
  });
});

describe('canonicalJson on hostile nesting', () => {
  it('refuses a value nested past the limit with a TypeError, never a stack overflow', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(() => canonicalJson(deep)).toThrow(TypeError);
    expect(() => canonicalJson(deep)).toThrow(/nested deeper than 256/);
    const ok = JSON.parse(`${'['.repeat(200)}1${']'.repeat(200)}`) as unknown;
    expect(canonicalJson(ok)).toBe(`${'['.repeat(200)}1${']'.repeat(200)}`);
  });
});
