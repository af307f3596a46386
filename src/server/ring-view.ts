import type { Ring } from '../detect/index.js';

/** One member's evidence in a ring, as JSON carries it. */
export interface RingMemberEvidence {
  readonly events: readonly string[];
  readonly weight: number;
  /** The member's latest evidence event time (ISO 8601). */
  readonly lastAt: string;
}

/** A ring as the API sends it: the per-member evidence as an object keyed by employee id. */
export interface RingView {
  readonly employees: readonly string[];
  readonly sellers: readonly string[];
  readonly density: number;
  readonly evidence: Readonly<Record<string, RingMemberEvidence>>;
}

/**
 * Detection keeps a ring's evidence in a Map, which `JSON.stringify` turns into `{}`: without
 * this the API would send rings with no reason to believe them.
 */
export function ringView(ring: Ring): RingView {
  const evidence: Record<string, RingMemberEvidence> = {};
  for (const [employee, e] of ring.evidence) {
    evidence[employee] = {
      events: e.events,
      weight: e.weight,
      lastAt: new Date(e.lastT).toISOString(),
    };
  }
  return {
    employees: ring.employees,
    sellers: ring.sellers,
    density: ring.density,
    evidence,
  };
}
