// Attack (issue row 5): export personal fields under another spelling. Field names are
// normalised (case, `_ - .`, spaces) and checked against the declared allow list.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseField } from '../../src/guard/index.js';
import { guardFixture, type GuardFixture } from '../../src/guard/test-support.js';

let f: GuardFixture;
beforeAll(async () => {
  f = await guardFixture();
});
afterAll(() => f.close());

const exportAs = (employeeId: string, fields: string[], ticketId?: string) =>
  f.guard.request({
    employeeId,
    action: 'seller.metrics.export',
    targetId: 's1',
    rows: 10,
    fields,
    ...(ticketId === undefined ? {} : { ticketId }),
  });

describe('seller.metrics.export fields', () => {
  describe('when personal fields are spelled otherwise', () => {
    it('refuses Email, reviewerEmail, reviewer_email, Reviewer-Name, "reviewer email"', async () => {
      for (const field of [
        'Email',
        'reviewerEmail',
        'reviewer_email',
        'Reviewer-Name',
        'reviewer email',
      ]) {
        const r = await exportAs('am1', ['revenue', field]);
        expect(r.outcome, field).toBe('deny');
        expect(r.decision.policies, field).toContain('export-personal-fields-legal-only');
      }
    });
  });

  describe('when a field is not declared at all', () => {
    it('refuses it (an allow list, not a deny list)', async () => {
      for (const field of ['phone', 'altEmail', 'e_mail2', 'revenue\u200b']) {
        const r = await exportAs('am1', [field]);
        expect(r.outcome, field).toBe('deny');
        expect(r.decision.policies, field).toContain('export-fields-declared');
      }
    });
  });

  describe('when declared fields are asked in any spelling', () => {
    it('allows them to the account manager, and personal ones only to counsel on a legal case', async () => {
      expect((await exportAs('am1', ['Revenue', 'UNITS', 'orders'])).outcome).toBe('allow');
      expect((await exportAs('counsel1', ['reviewerEmail'], 'tl')).outcome).toBe('allow');
    });
  });

  describe('normaliseField', () => {
    it('maps every spelling that differs only by case and separators to one name', () => {
      const sep = fc.constantFrom('', '_', '-', '.', ' ');
      fc.assert(
        fc.property(sep, sep, fc.boolean(), (a, b, upper) => {
          const spelled = `reviewer${a}${upper ? 'E' : 'e'}mail${b}`;
          expect(normaliseField(spelled)).toBe('revieweremail');
        }),
      );
    });
  });
});
