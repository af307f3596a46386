import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../ledger/index.js';
import { findMembers, flatObject } from './detect-feed-payload.js';

const NAMES = ['id', 'sellerId', 'rating', 'list', 'odd', 'gone'];

/** What `findMembers` found, as the values their texts parse to (absent: undefined). */
function found(text: string, names = NAMES): Record<string, unknown> | false {
  const at = new Int32Array(2 * names.length);
  if (!findMembers(text, 0, names, at)) return false;
  return Object.fromEntries(
    names.map((n, k) => [
      n,
      at[2 * k]! < 0 ? undefined : (JSON.parse(text.slice(at[2 * k], at[2 * k + 1])) as unknown),
    ]),
  );
}

/** The same members of the text's parse. */
const parsed = (text: string, names = NAMES): Record<string, unknown> => {
  const body = JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, Object.hasOwn(body, n) ? body[n] : undefined]));
};

/** A directory body: the names read, sometimes, and others, with any JSON values. */
const body = fc.dictionary(
  fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 6 })),
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.string({ unit: 'grapheme-composite', maxLength: 8 }),
    fc.constantFrom(-0, 0, 1e21, 2 ** 31, -(2 ** 31), 0.1, 5e-324, null, true, false),
  ),
);

/** A text outside the plain subset both readers take: an escape or a control character in it. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const escapedOrControl = (text: string): boolean => /[\\\u0000-\u001f]/.test(text);

/** The canonical texts of `bodies` cut and spliced: a piece of JSON's syntax in place of up to 3 characters. */
const mangled = (bodies: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> =>
  fc
    .tuple(bodies, fc.nat(), fc.nat(), fc.constantFrom('', ',', '"', ':', '{', '}', '[', 'e', '-'))
    .map(([b, i, j, piece]) => {
      const text = canonicalJson(b);
      const a = i % (text.length + 1);
      const z = Math.min(text.length, a + (j % 4));
      return text.slice(0, a) + piece + text.slice(z);
    });

describe('findMembers', () => {
  describe('when a payload is canonical JSON without escapes, as stored', () => {
    it('finds each member read, whose text parses to the parse of the payload member', () => {
      fc.assert(
        fc.property(body, (b) => {
          const text = canonicalJson(b);
          const got = found(text);
          if (escapedOrControl(text)) expect(got).toBe(false);
          else expect(got).toEqual(parsed(text));
        }),
        { numRuns: 2000 },
      );
    });

    it('reads a payload that ends a longer text, from where it starts', () => {
      const text = '7\u001eseller\u001f{"category":"toys","id":"s-1"}';
      const at = new Int32Array(4);
      expect(findMembers(text, text.indexOf('{'), ['id', 'category'], at)).toBe(true);
      expect(text.slice(at[0], at[1])).toBe('"s-1"');
      expect(text.slice(at[2], at[3])).toBe('"toys"');
      // what stands before it is not read: an escape there changes nothing
      expect(findMembers(`\\${text}`, text.indexOf('{') + 1, ['id'], at)).toBe(true);
    });

    it('reads a stored ticket: strings, a list, a member absent, unicode as is', () => {
      const text =
        '{"assigneeId":"e-00006","id":"t-1","relatedSellerIds":["s-1","é 😀"],"sellerId":"s-08786","topic":"ré\u2028"}';
      const at = new Int32Array(8);
      expect(findMembers(text, 0, ['sellerId', 'closedAt', 'relatedSellerIds', 'topic'], at)).toBe(
        true,
      );
      expect(text.slice(at[0], at[1])).toBe('"s-08786"');
      expect(at[2]).toBe(-1);
      expect(text.slice(at[4], at[5])).toBe('["s-1","é 😀"]');
      expect(text.slice(at[6], at[7])).toBe('"ré\u2028"');
    });
  });

  describe('when a payload is outside the subset it reads', () => {
    it.each([
      ['an escape', '{"id":"a\\"b"}'],
      ['an escape in a member not read', '{"id":"a","name":"\\u00e9"}'],
      ['whitespace', '{"id": "a"}'],
      ['whitespace at the end', '{"id":"a"} '],
      ['a raw control character', '{"id":"a\tb"}'],
      ['a name read twice', '{"id":"a","id":"b"}'],
      ['not an object', '["id"]'],
      ['a number JSON does not have', '{"rating":01}'],
      ['a truncated text', '{"id":"a","list":[1,2'],
      ['a bare word', '{"id":nul}'],
      ['a missing comma', '{"id":"a""odd":1}'],
      ['a trailing comma', '{"id":"a",}'],
      ['text after the object', '{"id":"a"}x'],
    ])('answers false (the caller parses it): %s', (_, text) => {
      expect(found(text)).toBe(false);
    });

    it('takes a name given twice when it is not read, as JSON.parse does', () => {
      expect(found('{"x":1,"x":2,"id":"a"}')).toEqual(parsed('{"id":"a"}'));
    });

    it('finds nothing in an empty object', () => {
      expect(found('{}')).toEqual(parsed('{}'));
    });

    it('never takes a text JSON.parse refuses, nor reads one otherwise than it', () => {
      // whatever findMembers takes, JSON.parse takes alike
      fc.assert(
        fc.property(mangled(body), (text) => {
          const got = found(text);
          if (got !== false) expect(got).toEqual(parsed(text));
        }),
        { numRuns: 5000 },
      );
    });
  });
});

/** A parse's members in order, each with its value (order and -0 included, as `toEqual` is not). */
const entries = (o: unknown): [string, unknown][] =>
  Object.entries(o as Record<string, unknown>).map(([k, v]) => [k, Object.is(v, -0) ? '-0' : v]);

/** A context: flat members of any plain value, names that may be indices or repeat. */
const flatBody = fc.dictionary(
  fc.oneof(
    fc.constantFrom('ip', 'device', 'session', '0', '17', 'constructor', '__proto__'),
    fc.string(),
  ),
  fc.oneof(
    fc.string({ unit: 'grapheme-composite', maxLength: 12 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(-0, 0, 1e21, 5e-324, null, true, false),
  ),
);

describe('flatObject', () => {
  it('makes of a flat canonical text without escapes what JSON.parse makes, members in order', () => {
    fc.assert(
      fc.property(flatBody, (b) => {
        const text = canonicalJson(b);
        const got = flatObject(text);
        // left to JSON.parse: an escape or a control character, or a member named __proto__
        const left =
          escapedOrControl(text) || Object.hasOwn(JSON.parse(text) as object, '__proto__');
        if (left) expect(got).toBeUndefined();
        else expect(entries(got)).toEqual(entries(JSON.parse(text)));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['a nested object', '{"a":{"b":1}}'],
    ['a list', '{"a":[1]}'],
    ['a member named __proto__', '{"__proto__":"x"}'],
    ['an escape', '{"a":"\\n"}'],
    ['whitespace', '{"a": 1}'],
    ['not an object', '"a"'],
    ['text after the object', '{"a":1}x'],
    ['a trailing comma', '{"a":1,}'],
  ])('leaves to JSON.parse (answers undefined): %s', (_, text) => {
    expect(flatObject(text)).toBeUndefined();
  });

  it('keeps the last of a name given twice where the first stood, as JSON.parse does', () => {
    const text = '{"a":1,"b":2,"a":3}';
    expect(entries(flatObject(text))).toEqual(entries(JSON.parse(text)));
    expect(Object.getPrototypeOf(flatObject('{}'))).toBe(Object.prototype);
  });

  it('never takes a text JSON.parse refuses, nor reads one otherwise than it', () => {
    fc.assert(
      fc.property(mangled(flatBody), (text) => {
        const got = flatObject(text);
        if (got !== undefined) expect(entries(got)).toEqual(entries(JSON.parse(text)));
      }),
      { numRuns: 5000 },
    );
  });
});
