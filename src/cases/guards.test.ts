import { describe, expect, it } from 'vitest';
import { CaseError } from './errors.js';
import { text } from './guards.js';

describe('text', () => {
  it('keeps tabs and line breaks in a note', () => {
    expect(text('  first line\n\tsecond\r\nthird ', 'note')).toBe('first line\n\tsecond\r\nthird');
  });
  describe('when the text holds a control character', () => {
    for (const [name, c] of [
      ['NUL', '\u0000'],
      ['escape', '\u001b'],
      ['backspace', '\u0008'],
      ['delete', '\u007f'],
    ] as const) {
      it(`refuses ${name}, naming the field and where`, () => {
        let thrown: unknown;
        try {
          text(`ab${c}cd`, 'note');
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(CaseError);
        expect((thrown as CaseError).code).toBe('INPUT_INVALID');
        expect((thrown as CaseError).message).toContain('note');
        expect((thrown as CaseError).message).toContain('position 3');
      });
    }
  });
});
