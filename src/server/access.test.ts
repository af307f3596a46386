import { describe, expect, it } from 'vitest';
import type { ApiAccess } from './access.js';
import { readApiSection } from './access.js';
import { ServerError } from './errors.js';

const read = (profile: unknown): ApiAccess => {
  const text = JSON.stringify(profile, null, 2);
  return readApiSection(JSON.parse(text), 'warden.org.json', text);
};

describe('readApiSection', () => {
  describe('when the section is absent', () => {
    it('grants nothing (default deny)', () => {
      expect(
        read({ detection: { jobFunctions: [] } }).scopesOf({ role: 'x', team: 'y' }).size,
      ).toBe(0);
    });
  });

  describe('when grants name roles and teams', () => {
    it('gives a grant only to employees matching all it names; one naming neither, to all', () => {
      const access = read({
        api: {
          grants: [
            { role: 'investigator', scopes: ['findings'] },
            { role: 'investigator', team: 'trust', scopes: ['ledger'] },
            { scopes: ['guard'] },
          ],
        },
      });
      expect([...access.scopesOf({ role: 'investigator', team: 'trust' })].sort()).toEqual([
        'findings',
        'guard',
        'ledger',
      ]);
      expect([...access.scopesOf({ role: 'investigator', team: 'other' })].sort()).toEqual([
        'findings',
        'guard',
      ]);
      expect([...access.scopesOf({ role: 'agent', team: 'trust' })]).toEqual(['guard']);
    });
  });

  describe('when the section is malformed', () => {
    it.each([
      [{ api: { grants: [{ role: 'x', scopes: ['admin'] }] } }, 'api.grants.0.scopes.0'],
      [{ api: { grants: [{ role: 'x', scopes: [] }] } }, 'api.grants.0.scopes'],
      [{ api: { grants: [{ rol: 'x', scopes: ['ledger'] }] } }, 'api.grants.0.rol'],
      [{ api: { grant: [] } }, 'api.grants'],
    ])('refuses %j naming the field and line', (profile, field) => {
      try {
        read({ version: 1, ...profile });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ServerError);
        expect((error as ServerError).code).toBe('ACCESS_INVALID');
        expect((error as ServerError).message).toContain(`warden.org.json:3: ${field}:`);
      }
    });
  });
});
