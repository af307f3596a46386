import type { Alert } from '../src/domain/index.js';
import type { CaseDeps } from '../src/cases/index.js';
import { Recorder } from '../src/guard/index.js';
import { CasePseudonyms } from '../src/privacy/index.js';
import { guardFixture, type GuardFixture } from '../src/guard/test-support.js';

/** The guard's test marketplace (src/guard/test-support.ts) with the cases context over it. */
export async function casesFixture(): Promise<{ fx: GuardFixture; deps: CaseDeps }> {
  const fx = await guardFixture();
  const now = (): string => fx.clock.now;
  const deps: CaseDeps = {
    store: fx.store,
    ledger: fx.ledger,
    recorder: new Recorder(fx.store, fx.ledger, now),
    authority: fx.guard,
    pseudonyms: new CasePseudonyms(fx.masterKey),
    now,
  };
  return { fx, deps };
}

/** An alert about `employeeId` citing `events` (the shapes `warden alerts --json` gives). */
export function alertAbout(employeeId: string, events: string[], over: Partial<Alert> = {}): Alert {
  return {
    id: 'al-1',
    employeeId,
    detector: 'unassigned-seller-access',
    severity: 'high',
    eventTime: '2026-11-29T10:00:00Z',
    sellerIds: ['s1'],
    events,
    summary: `${employeeId} looked at seller s1 without an assignment`,
    ...over,
  };
}
