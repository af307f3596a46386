import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttributeError } from './errors.js';
import { parseLeakedList } from './trace-emails-parse.js';

const parse = (text: string) => parseLeakedList(Buffer.from(text), 'leak.txt');
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (error) {
    return error instanceof AttributeError ? error.code : 'other';
  }
  return undefined;
};

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const address = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,12}[a-z0-9])?$/),
    fc.array(label, { minLength: 1, maxLength: 3 }),
    fc.stringMatching(/^[a-z]{2,6}$/),
  )
  .filter(([local]) => !local.includes('..'))
  .map(([local, labels, tld]) => `${local}@${labels.join('.')}.${tld}`);
/** How a list may carry an address: a CSV cell, a header, a link, prose. */
const wrappings = [
  (a: string) => `"Name, Surname","${a}",42`,
  (a: string) => `To: "Some One" <${a}>,`,
  (a: string) => `\t${a.toUpperCase()}`,
  (a: string) => `<a href="mailto:${a}">write</a>`,
  (a: string) => `write to ${a}.`,
  (a: string) => `${a.replace('@', '%40')}`,
  (a: string) => `${a.replace('@', '&#64;')};`,
];

describe('parseLeakedList', () => {
  it('finds every address however the list carries it, with its line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(address, fc.nat(wrappings.length - 1)), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        (items, eol) => {
          const text = items.map(([a, w]) => wrappings[w]!(a)).join(eol);
          const found = parse(text).addresses;
          items.forEach(([a], i) => {
            const entry = found.find((f) => f.address === a.toLowerCase());
            expect(entry?.lines).toContain(i + 1);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps lines with an @ but no address as junk, and refuses a list with no address at all', () => {
    const list = parse('a@b.org\nfoo@\n@bar.org\nno at sign\n');
    expect(list.addresses.map((a) => a.address)).toEqual(['a@b.org']);
    expect(list.junk.map((j) => j.line)).toEqual([2, 3]);
    expect(codeOf(() => parse('foo@\nbar\n'))).toBe('LEAK_FILE_INVALID');
  });

  it('never throws anything but its own typed error on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const code = codeOf(() => parseLeakedList(Buffer.from(bytes), 'x'));
        expect(code === undefined || code === 'LEAK_FILE_INVALID').toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
