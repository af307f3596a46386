import { describe, expect, it } from 'vitest';
import { DetectionEngine } from './engine.js';
import type { DetectError } from './errors.js';
import { parseOrgProfile } from './org-profile.js';
import { Stream, at } from './test-support.js';

describe('the org profile', () => {
  it('reads only its detection section and defaults what is left out', () => {
    const p = parseOrgProfile(
      {
        personalData: { anything: true },
        detection: { jobFunctions: [{ does: 'legal-holds', roles: ['counsel'] }] },
      },
      'org.json',
    );
    expect(p.jobFunctions).toEqual([{ does: 'legal-holds', teams: [], roles: ['counsel'] }]);
    expect(parseOrgProfile({}, 'org.json').jobFunctions).toEqual([]);
  });

  it('names the file and the field of what does not validate', () => {
    const bad = (value: unknown): DetectError => {
      try {
        parseOrgProfile(value, 'x/warden.org.json');
      } catch (error) {
        return error as DetectError;
      }
      throw new Error('accepted');
    };
    const unknown = bad({ detection: { jobFunctions: [{ does: 'legal-holds', teams: [1] }] } });
    expect(unknown.code).toBe('ORG_PROFILE_INVALID');
    expect(unknown.message).toContain('x/warden.org.json: field detection.jobFunctions.0.teams.0');
    expect(bad({ detection: { jobFunctions: [{ does: 'legal-holds' }] } }).message).toContain(
      'name at least one team or role',
    );
    expect(bad({ detection: { extra: 1 } }).message).toContain('detection');
  });

  it('seeds a norm: a declared cross-seller team is not alerted on even before its norm is learned', () => {
    const make = (): Stream => {
      const s = new Stream();
      for (const id of ['q-1', 'q-2', 'q-3'])
        s.employee(id, { team: 'insight-sea-1', role: 'quant' });
      for (let i = 1; i <= 12; i++) s.seller(`s-${i}`);
      s.history(['q-1', 'q-2', 'q-3']);
      for (let i = 1; i <= 12; i++)
        s.event('q-1', 'seller.metrics.view', 'seller', `s-${i}`, at(0, 1, i));
      return s;
    };
    const run = (profile?: unknown): number => {
      const engine = new DetectionEngine(
        profile === undefined ? undefined : parseOrgProfile(profile, 'p'),
      );
      engine.consume(make().records);
      return engine.findings().alerts.length;
    };
    expect(run()).toBeGreaterThan(0);
    expect(
      run({
        detection: { jobFunctions: [{ does: 'cross-seller-analytics', teams: ['insight-*'] }] },
      }),
    ).toBe(0);
  });
});
