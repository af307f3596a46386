import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idProblem, isPlainAsciiId } from './ids.js';

describe('idProblem', () => {
  describe('when an id is plain or single-script text', () => {
    it.each([
      'e-00013',
      'rv 1',
      'é-1',
      'Ωμέγα-7',
      'ユーザー',
      '東京-タロウ',
      'user-東京たろう',
      '사용자-1',
      'ω-1',
      'café',
    ])('accepts %s', (id) => {
      expect(idProblem(id)).toBeUndefined();
    });
  });

  describe('when an id could pass for another on screen', () => {
    it.each([
      ['a right-to-left override', 'e\u202E-00013', /U\+202E/],
      ['a zero-width space', 'e-\u200B00013', /U\+200B/],
      ['a zero-width joiner', 'e\u200D-1', /U\+200D/],
      ['a left-to-right mark', 'e-1\u200E', /U\+200E/],
      ['a Hangul filler (default-ignorable letter)', 'ab\u3164', /U\+3164/],
      ['a no-break space', 'a\u00A0b', /U\+00A0/],
      ['a control character', 'e-1\u0007', /U\+0007/],
      ['a private-use character', 'e\uE000', /U\+E000/],
      ['a trailing space', 'e-1 ', /white space/],
      ['a leading space', ' e-1', /white space/],
      ['a decomposed accent (not NFC)', 'e\u0301-1', /NFC/],
      ['a Cyrillic е among Latin letters', 'usеr-13', /mixes scripts/],
      ['Greek and Latin letters', 'Ωmegа', /mixes scripts/],
    ])('refuses %s', (_name, id, message) => {
      expect(idProblem(id)).toMatch(message);
      expect(idProblem(id)).toMatch(/^unsafe id: /);
    });
  });

  describe('when an id is plain ASCII', () => {
    it('takes it without Unicode tables exactly when it has no edge space', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }), (id) => {
          const plain = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(id);
          expect(isPlainAsciiId(id)).toBe(plain);
          if (plain) expect(idProblem(id)).toBeUndefined();
          else expect(idProblem(id)).toBeDefined();
        }),
      );
    });
  });
});
