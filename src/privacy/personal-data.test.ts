import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lineOfPath } from './json-position.js';
import { readPersonalDataSection } from './org-profile.js';
import { PersonalData, normaliseFieldName } from './personal-data.js';
import { Vault } from './vault.js';

function memoryVault(): Vault {
  const keys = new Map<string, Buffer>();
  return new Vault(randomBytes(32), {
    getWrappedKey: (s) => keys.get(s),
    getWrappedKeys: (subjects) =>
      new Map(subjects.flatMap((s) => (keys.has(s) ? [[s, keys.get(s)!] as const] : []))),
    putWrappedKey: (s, w) => void keys.set(s, w),
    putWrappedKeys: (rows) => {
      for (const [s, w] of rows) keys.set(s, w);
    },
    deleteWrappedKeyUnlessHeld: (s) => Promise.resolve({ holds: [], deleted: keys.delete(s) }),
    holdsOn: () => [],
    someWrappedKey: () => {
      const first = keys.entries().next();
      return first.done ? undefined : { subject: first.value[0], wrapped: first.value[1] };
    },
  });
}

describe('PersonalData', () => {
  describe('when no declaration is given', () => {
    const personal = new PersonalData();
    it.each([
      'altEmail',
      'ALT_EMAIL',
      'e-mail',
      'Home Phone',
      'mobile',
      'fullName',
      'postcode',
      'street_address',
    ])('takes reviewer attrs.%s as personal', (name) =>
      expect(personal.isPersonalName('reviewer', name)).toBe(true),
    );
    it.each(['tier', 'country', 'signupChannel'])('leaves reviewer attrs.%s alone', (name) =>
      expect(personal.isPersonalName('reviewer', name)).toBe(false),
    );
    it('declares nothing personal for employees by default', () => {
      expect(personal.isPersonalName('employee', 'privateEmail')).toBe(false);
    });
  });

  describe('when the org profile declares fields', () => {
    it('matches them with case and separators folded', () => {
      const personal = new PersonalData({ employee: ['private_email'] });
      expect(personal.isPersonalName('employee', 'PrivateEmail')).toBe(true);
      expect(normaliseFieldName('Private-E_mail.x')).toBe('privateemailx');
    });
  });

  describe('when attrs are sealed', () => {
    it('seals the personal members and returns the same object when none is personal', () => {
      const vault = memoryVault();
      const personal = new PersonalData();
      const plain = { tier: 'gold', n: 3 };
      expect(personal.sealAttrs(vault, 'u-1', 'reviewer', plain)).toBe(plain);
      const sealed = personal.sealAttrs(vault, 'u-1', 'reviewer', {
        tier: 'gold',
        altEmail: 'a@b.org',
        extra: ['x', 'c@d.org'],
        phone: 12345,
      });
      expect(sealed['tier']).toBe('gold');
      expect(vault.open('u-1', 'attrs.altEmail', sealed['altEmail'] as string)).toBe('a@b.org');
      expect((sealed['extra'] as string[])[0]).toBe('x');
      expect(vault.open('u-1', 'attrs.extra.1', (sealed['extra'] as string[])[1]!)).toBe('c@d.org');
      expect(vault.open('u-1', 'attrs.phone', sealed['phone'] as string)).toBe('12345');
    });
  });
});

describe('readPersonalDataSection', () => {
  it('reads the section, ignores the others, and names line and field when it is wrong', () => {
    const good = { detection: { x: 1 }, personalData: { reviewer: ['altEmail'] } };
    expect(readPersonalDataSection(good, 'o.json', JSON.stringify(good))).toEqual({
      reviewer: ['altEmail'],
    });
    expect(readPersonalDataSection({}, 'o.json', '{}')).toEqual({});
    const text = '{\n "personalData": {\n  "seller": []\n }\n}';
    expect(() => readPersonalDataSection(JSON.parse(text), 'o.json', text)).toThrow(
      /o\.json:2: personalData\.seller: only "reviewer" and "employee"/,
    );
  });
});

describe('lineOfPath', () => {
  it('finds the line where the value at a path starts', () => {
    const text = '{\n "a": [\n  1,\n  {"b": "x\\"y"},\n  true\n ],\n "c": {}\n}';
    expect(lineOfPath(text, [])).toBe(1);
    expect(lineOfPath(text, ['a'])).toBe(2);
    expect(lineOfPath(text, ['a', 1, 'b'])).toBe(4);
    expect(lineOfPath(text, ['a', 2])).toBe(5);
    expect(lineOfPath(text, ['c'])).toBe(7);
    expect(lineOfPath(text, ['d'])).toBeUndefined();
  });
});
