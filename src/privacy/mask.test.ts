import { describe, expect, it } from 'vitest';
import { maskEmail, maskName, maskValue } from './mask.js';

describe('masking', () => {
  it('shows an email as first letters and the top-level domain only', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@e***.com');
    expect(maskEmail('x@localhost')).toBe('x***@l***');
  });
  it('shows a name as initials', () => {
    expect(maskName('Jane  Quincy Doe')).toBe('J*** Q*** D***');
  });
  it('masks any value without keeping its content', () => {
    expect(maskValue('secret-value')).toBe('s***');
    expect(maskValue(42)).toBe('***');
    expect(maskValue('a@b.co')).toBe('a***@b***.co');
  });
});
