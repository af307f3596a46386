import { afterEach, describe, expect, it } from 'vitest';
import {
  addSubject,
  hold,
  openCase,
  releaseHold,
  requestErasure,
  type CaseDeps,
} from '../src/cases/index.js';
import { RAW_EMAIL, type GuardFixture } from '../src/guard/test-support.js';
import { casesFixture } from './cases-support.js';

let fixture: { fx: GuardFixture; deps: CaseDeps } | undefined;
afterEach(async () => {
  await fixture?.fx.close();
  fixture = undefined;
});

/** The reviewer's email as the directory holds it, opened with the vault (throws once erased). */
async function email(fx: GuardFixture): Promise<string> {
  const sealed = JSON.parse((await fx.store.directory.get('reviewer', 'rv1')) ?? '{}') as {
    email: string;
  };
  return fx.vault.open('rv1', 'email', sealed.email);
}

async function heldCase(deps: CaseDeps): Promise<string> {
  const c = await openCase(deps, 'counsel1', 'bought reviews');
  await addSubject(deps, c.id, 'counsel1', 'reviewer', 'rv1');
  await hold(deps, c.id, 'counsel1', 'litigation expected');
  return c.id;
}

describe('a legal hold', () => {
  it('refuses erasure of a held reviewer, and the erasure waits for the release', async () => {
    fixture = await casesFixture();
    const { fx, deps } = fixture;
    const caseId = await heldCase(deps);
    await expect(fx.vault.erase('rv1')).rejects.toMatchObject({ code: 'SUBJECT_HELD' });
    const asked = await requestErasure(deps, fx.vault, 'rv1', 'counsel2');
    expect(asked).toEqual({ erased: false, subject: 'rv1', waitingFor: [caseId] });
    expect(await email(fx)).toBe(RAW_EMAIL); // still readable: held
    const released = await releaseHold(deps, fx.vault, caseId, 'counsel1');
    expect(released).toEqual({ erased: ['rv1'], stillHeld: [] });
    await expect(email(fx)).rejects.toMatchObject({ code: 'SUBJECT_ERASED' });
    expect(await fx.store.cases.erasureRequests()).toEqual([]);
  });

  it('keeps waiting while another case still holds the person', async () => {
    fixture = await casesFixture();
    const { fx, deps } = fixture;
    const first = await heldCase(deps);
    const second = await heldCase(deps);
    await requestErasure(deps, fx.vault, 'rv1', 'counsel2');
    expect(await releaseHold(deps, fx.vault, first, 'counsel1')).toEqual({
      erased: [],
      stillHeld: ['rv1'],
    });
    expect(await email(fx)).toBe(RAW_EMAIL);
    expect((await releaseHold(deps, fx.vault, second, 'counsel1')).erased).toEqual(['rv1']);
  });

  it('lets an unheld person be erased at once', async () => {
    fixture = await casesFixture();
    const { fx, deps } = fixture;
    expect(await requestErasure(deps, fx.vault, 'rv1', 'counsel2')).toEqual({
      erased: true,
      subject: 'rv1',
    });
    await expect(email(fx)).rejects.toMatchObject({ code: 'SUBJECT_ERASED' });
  });

  it('lets a hold placed after the look-up stop the erasure, and says it waits (the ledger never says done)', async () => {
    fixture = await casesFixture();
    const { fx, deps } = fixture;
    const c = await openCase(deps, 'counsel1', 'bought reviews');
    await addSubject(deps, c.id, 'counsel1', 'reviewer', 'rv1');
    // the attacker's timing: the hold lands after requestErasure looked for holds (none), just
    // before the key is destroyed
    const vault = Object.create(fx.vault) as typeof fx.vault;
    vault.erase = async (subject: string): Promise<boolean> => {
      await hold(deps, c.id, 'counsel1', 'litigation expected');
      return fx.vault.erase(subject);
    };
    const asked = await requestErasure(deps, vault, 'rv1', 'counsel2');
    expect(asked).toEqual({ erased: false, subject: 'rv1', waitingFor: [c.id] });
    expect(await email(fx)).toBe(RAW_EMAIL);
    expect((await fx.store.cases.erasureRequests()).map((r) => r.subject)).toEqual(['rv1']);
    const actions = async (): Promise<string[]> => {
      const all: string[] = [];
      for await (const chunk of fx.store.ledger.recordChunks(0, await fx.store.ledger.size()))
        for (const r of chunk)
          if (r.record.kind === 'event' && r.record.body.action.startsWith('x-erasure'))
            all.push(r.record.body.action);
      return all;
    };
    expect(await actions()).toEqual(['x-erasure.request']);
    // the release carries it out, and only then is it recorded as done
    expect(await releaseHold(deps, fx.vault, c.id, 'counsel1')).toEqual({
      erased: ['rv1'],
      stillHeld: [],
    });
    await expect(email(fx)).rejects.toMatchObject({ code: 'SUBJECT_ERASED' });
    expect(await actions()).toEqual(['x-erasure.request', 'x-erasure.done']);
    expect(await fx.store.cases.erasureRequests()).toEqual([]);
  });
});
