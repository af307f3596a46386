import { describe, expect, it } from 'vitest';
import { isPersonalField } from './detectors.js';

describe('isPersonalField', () => {
  it.each([
    ['reviewer.email', true],
    ['customer.phone', true],
    ['reviewer.name', true],
    ['firstName', true],
    ['customer_phone', true],
    ['buyer.address', true],
    ['dateOfBirth', true],
    ['product.name', false],
    ['ip_address', false],
    ['sellerId', false],
    ['revenue', false],
    ['category', false],
    ['reviewId', false],
  ])('%s → %s', (field, personal) => {
    expect(isPersonalField(field)).toBe(personal);
  });
});
