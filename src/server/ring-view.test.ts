import { describe, expect, it } from 'vitest';
import { ringView } from './ring-view.js';

describe('ringView', () => {
  it("carries every member's evidence through JSON (a Map would arrive as {})", () => {
    const ring = {
      employees: ['e-1', 'e-2'],
      sellers: ['s-1'],
      density: 2.5,
      evidence: new Map([
        ['e-1', { events: ['ev-1', 'ev-2'], weight: 2, lastT: Date.parse('2026-03-01T10:00:00Z') }],
        ['e-2', { events: ['ev-3'], weight: 1, lastT: Date.parse('2026-03-02T08:30:00Z') }],
      ]),
    };
    const sent = JSON.parse(JSON.stringify(ringView(ring))) as unknown;
    expect(sent).toEqual({
      employees: ['e-1', 'e-2'],
      sellers: ['s-1'],
      density: 2.5,
      evidence: {
        'e-1': { events: ['ev-1', 'ev-2'], weight: 2, lastAt: '2026-03-01T10:00:00.000Z' },
        'e-2': { events: ['ev-3'], weight: 1, lastAt: '2026-03-02T08:30:00.000Z' },
      },
    });
  });
});
