import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledge,
  addNote,
  addSubject,
  assign,
  closeCase,
  dismiss,
  escalate,
  hold,
  lookAtCase,
  openCase,
  releaseHold,
  requestReveal,
  type CaseDeps,
} from '../../src/cases/index.js';
import type { InterchangeRecord } from '../../src/domain/index.js';
import { recordKey } from '../../src/domain/index.js';
import { canonicalJson } from '../../src/ledger/index.js';
import {
  CompiledPolicies,
  Decider,
  Guard,
  policySetHash,
  type PolicyFiles,
} from '../../src/guard/index.js';
import { RelayAliases } from '../../src/privacy/index.js';
import { defaultPolicies, type GuardFixture } from '../../src/guard/test-support.js';
import { alertAbout, casesFixture } from '../cases-support.js';

// The attacker: an employee who is not an investigator, a subject of the case, or a leaver,
// trying every step of an investigation. Each is refused by the pinned policies
// (policies/cases.cedar, employees.cedar), the refusal is in the ledger as a denied event with
// the deciding policies, and the case is left as it was. Investigators and counsel may.

let fx: GuardFixture;
let deps: CaseDeps;
let caseId = '';

/** Adds directory records, ledgered, as an import would. */
async function addToDirectory(
  records: Exclude<InterchangeRecord, { kind: 'event' }>[],
): Promise<void> {
  const tx = await fx.store.begin();
  for (const record of records) {
    await tx.insertDirectoryVersions([
      {
        leaf: fx.ledger.size,
        kind: record.kind,
        key: recordKey(record),
        payload: canonicalJson(record.body),
      },
    ]);
    fx.ledger.appendRecord(record);
  }
  await fx.ledger.persist(tx);
  await tx.commit();
}

const person = (
  id: string,
  role: string,
  extra: object = {},
): Exclude<InterchangeRecord, { kind: 'event' }> => ({
  kind: 'employee',
  body: { id, team: 'trust', role, site: 'SZX', ...extra },
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}

/** Everything an attacker could change about the case, to compare before and after. */
async function state(): Promise<string> {
  const c = fx.store.cases;
  return JSON.stringify([
    await c.get(caseId),
    await c.members(caseId),
    await c.notes(caseId),
    await c.dismissals(),
    (await c.list()).length,
  ]);
}

beforeAll(async () => {
  ({ fx, deps } = await casesFixture());
  await addToDirectory([
    person('inv1', 'investigator'),
    person('inv2', 'investigator'),
    person('inv-left', 'investigator', { leftAt: '2026-10-01T00:00:00Z' }),
  ]);
  // counsel1 escalates an alert about a1; inv2 becomes a subject of the case too
  caseId = await escalate(deps, 'counsel1', alertAbout('a1', []));
  await addSubject(deps, caseId, 'counsel1', 'employee', 'inv2');
});

afterAll(async () => {
  await fx.close();
});

type Step = { name: string; event: string; run: (who: string) => Promise<unknown> };
// opening a case and triaging an alert about someone else are not steps on this case
const NOT_ON_THE_CASE = new Set(['open', 'acknowledge', 'dismiss', 'escalate']);
const alert = alertAbout('a1', [], { id: 'al-7' });
const STEPS: Step[] = [
  { name: 'open', event: 'x-case.open', run: (who) => openCase(deps, who, 'mine') },
  { name: 'view', event: 'x-case.view', run: (who) => lookAtCase(deps, caseId, who, 'view') },
  { name: 'note', event: 'x-case.note', run: (who) => addNote(deps, caseId, who, 'steer') },
  {
    name: 'add a subject',
    event: 'x-case.subject.add',
    run: (who) => addSubject(deps, caseId, who, 'seller', 's2'),
  },
  { name: 'assign', event: 'x-case.assign', run: (who) => assign(deps, caseId, who, 'counsel2') },
  {
    name: 'ask a reveal',
    event: 'x-case.reveal.request',
    run: (who) => requestReveal(deps, caseId, who, 'curious'),
  },
  { name: 'hold', event: 'x-case.hold', run: (who) => hold(deps, caseId, who, 'keep it') },
  { name: 'close', event: 'x-case.close', run: (who) => closeCase(deps, caseId, who, 'done') },
  {
    name: 'acknowledge',
    event: 'x-alert.acknowledge',
    run: (who) => acknowledge(deps, who, alert),
  },
  {
    name: 'dismiss',
    event: 'x-alert.dismiss',
    run: (who) => dismiss(deps, who, alert, { reason: 'fine', until: '2026-12-20T00:00:00Z' }),
  },
  { name: 'escalate', event: 'x-alert.escalate', run: (who) => escalate(deps, who, alert) },
];

// who attacks, and the policy that must be cited for the refusal ('' = no policy permits it)
const ATTACKERS = [
  { who: 'mod1', as: 'an employee with no investigator role', policy: '', steps: STEPS },
  { who: 'a1', as: 'a subject of the case (a support agent)', policy: '', steps: STEPS },
  {
    who: 'inv2',
    as: 'an investigator who is a subject of the case',
    policy: 'case-not-subject',
    steps: STEPS.filter((s) => !NOT_ON_THE_CASE.has(s.name)),
  },
  { who: 'inv-left', as: 'an investigator who has left', policy: 'employee-active', steps: STEPS },
];

describe('case steps under the policies', () => {
  describe.each(ATTACKERS)('when $as tries every step', ({ who, policy, steps }) => {
    it.each(steps)('refuses $name, ledgers the denial and changes nothing', async (step) => {
      const before = await state();
      const size = fx.ledger.size;
      expect(await code(step.run(who))).toBe('NOT_PERMITTED');
      expect(await state()).toBe(before);
      // exactly one leaf more: the denied attempt, with the decision that refused it
      expect(fx.ledger.size).toBe(size + 1);
      const mine = await fx.store.cases.eventsAbout([who], []);
      const last = mine[mine.length - 1]!;
      expect(last.leaf).toBe(size);
      expect(last.event).toMatchObject({ actor: who, action: step.event, outcome: 'denied' });
      const decision = last.event.attrs?.['decision'] as { outcome: string; policies: string[] };
      expect(decision.outcome).toBe('deny');
      if (policy === '') expect(decision.policies).not.toContain('case-steps-by-investigator');
      else expect(decision.policies).toContain(policy);
    });
  });

  it('lets an investigator who is a subject of one case open another and triage others', async () => {
    expect(await code(openCase(deps, 'inv2', 'another matter'))).toBe('no error');
    expect(await code(acknowledge(deps, 'inv2', alert))).toBe('no error');
  });

  it('refuses an investigator the triage of an alert that names them (alert-not-subject)', async () => {
    const aboutInv1 = alertAbout('inv1', [], { id: 'al-8' });
    expect(await code(acknowledge(deps, 'inv1', aboutInv1))).toBe('NOT_PERMITTED');
    const mine = await fx.store.cases.eventsAbout(['inv1'], []);
    const decision = mine[mine.length - 1]!.event.attrs?.['decision'] as { policies: string[] };
    expect(decision.policies).toEqual(['alert-not-subject']);
  });

  describe('when an investigator and counsel work the case', () => {
    it('allows every step and records the permitting policy in each event', async () => {
      const opened = await openCase(deps, 'inv1', 'bought reviews');
      await addNote(deps, opened.id, 'inv1', 'looks bought');
      await addSubject(deps, opened.id, 'inv1', 'seller', 's1');
      await lookAtCase(deps, opened.id, 'counsel2', 'view');
      await assign(deps, opened.id, 'inv1', 'counsel2');
      await requestReveal(deps, opened.id, 'counsel2', 'referral');
      await hold(deps, opened.id, 'counsel2', 'litigation');
      await releaseHold(deps, fx.vault, opened.id, 'inv1');
      await acknowledge(deps, 'inv1', alert);
      await closeCase(deps, opened.id, 'counsel2', 'referred');
      const events = await fx.store.cases.eventsAbout(['inv1', 'counsel2'], []);
      const steps = events.filter((e) => e.event.action.startsWith('x-'));
      expect(steps.length).toBeGreaterThanOrEqual(10);
      for (const { event } of steps.filter((e) => e.event.outcome === 'allowed')) {
        expect(event.attrs?.['decision']).toMatchObject({
          outcome: 'allow',
          policies: ['case-steps-by-investigator'],
          policySet: fx.guard.policySet,
        });
      }
      expect((await fx.store.cases.get(opened.id))?.status).toBe('closed');
    });
  });
});

describe('when the database pinned a policy set from before policies/cases.cedar', () => {
  // an existing database keeps the set it pinned until two policy owners activate the new one
  // (docs/guard.md): until then no policy permits a case step, and every one is refused
  it('refuses every case step, even to investigators and counsel', async () => {
    const { 'cases.cedar': _cases, ...older }: PolicyFiles = defaultPolicies().files();
    const pinned = CompiledPolicies.fromFiles(older, policySetHash(older));
    const guard = new Guard({
      store: fx.store,
      ledger: fx.ledger,
      vault: fx.vault,
      aliases: new RelayAliases(fx.masterKey, 'relay.marketplace.example'),
      decider: new Decider(pinned),
      now: deps.now,
    });
    const onOlder: CaseDeps = { ...deps, authority: guard };
    for (const who of ['inv1', 'counsel1']) {
      expect(await code(openCase(onOlder, who, 'x'))).toBe('NOT_PERMITTED');
      expect(await code(lookAtCase(onOlder, caseId, who, 'view'))).toBe('NOT_PERMITTED');
      expect(await code(acknowledge(onOlder, who, alert))).toBe('NOT_PERMITTED');
    }
    const last = (await fx.store.cases.eventsAbout(['counsel1'], [])).at(-1)?.event;
    expect(last?.attrs?.['decision']).toMatchObject({
      outcome: 'deny',
      policies: [],
      policySet: pinned.hash,
    });
  });
});
