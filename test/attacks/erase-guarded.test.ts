import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  hold,
  openCase,
  requestErasure,
  addSubject,
  type CaseDeps,
} from '../../src/cases/index.js';
import { CompiledPolicies, SCHEMA_FILE } from '../../src/guard/index.js';
import { Vault, loadMasterKey } from '../../src/privacy/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { defaultPolicies, RAW_EMAIL, type GuardFixture } from '../../src/guard/test-support.js';
import { casesFixture } from '../cases-support.js';
import { employee, line, runCli, tempDir } from '../helpers.js';

/**
 * Erasure destroys a person's data key for good: an insider who could erase at will would
 * destroy the evidence an investigation needs. The attacker is an active employee whose role
 * does not handle privacy requests, or one who erases their own data.
 */
const dir = tempDir('warden-erase-guarded-');
const db = join(dir.path, 'w.db');
const as = (who: string): string[] => ['--db', db, '--insecure-as', who, '--json'];

/** The reviewer's email opened with the vault; throws once the key is gone. */
async function reviewerEmail(): Promise<string> {
  const store = SqliteStore.open(db);
  try {
    const vault = new Vault(loadMasterKey(join(`${db}.keys`, 'master.key')), store.dataKeys);
    const sealed = JSON.parse((await store.directory.get('reviewer', 'rv1')) ?? '{}') as {
      email: string;
    };
    return vault.open('rv1', 'email', sealed.email);
  } finally {
    await store.close();
  }
}

/** The latest erasure request event with that outcome, as the ledger's store holds it. */
async function lastErasureEvent(
  outcome: 'allowed' | 'denied',
): Promise<{ actor: string; attrs?: Record<string, unknown> } | undefined> {
  const store = SqliteStore.open(db);
  try {
    return (await store.guard.lastEvent('x-erasure.request', outcome))?.event;
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  process.env['WARDEN_INSECURE_IDENTITY'] = '1';
  const file = join(dir.path, 'in.ndjson');
  writeFileSync(
    file,
    [
      employee('ag-1', { team: 'seller-support', role: 'support-agent' }),
      employee('cn-1', { team: 'legal', role: 'counsel' }),
      line({ v: 1, kind: 'reviewer', id: 'rv1', email: 'jane@example.com' }),
    ].join('\n'),
  );
  expect((await runCli(['ingest', file, '--db', db])).code).toBe(0);
});

afterAll(() => {
  delete process.env['WARDEN_INSECURE_IDENTITY'];
  dir.cleanup();
});

describe('warden erase by someone the policies do not name', () => {
  it('refuses an agent (exit 1), keeps the key and ledgers the denial', async () => {
    const r = await runCli(['erase', 'rv1', ...as('ag-1')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ag-1 may not privacy\.erase .*no policy permits it/);
    expect(await reviewerEmail()).toBe('jane@example.com');
    const denied = await lastErasureEvent('denied');
    expect(denied?.actor).toBe('ag-1');
    expect(denied?.attrs?.['decision']).toMatchObject({ outcome: 'deny', policies: [] });
    expect(await lastErasureEvent('allowed')).toBeUndefined();
    expect((await runCli(['ledger', 'verify', '--db', db])).code).toBe(0);
  });

  it('refuses counsel erasing their own data (exit 1)', async () => {
    const r = await runCli(['erase', 'cn-1', ...as('cn-1')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/denied by erase-not-self/);
    const denied = await lastErasureEvent('denied');
    expect(denied?.actor).toBe('cn-1');
    expect(denied?.attrs?.['decision']).toMatchObject({ policies: ['erase-not-self'] });
  });

  it('refuses a subject the directory does not have (exit 2)', async () => {
    expect((await runCli(['erase', 'nobody', ...as('cn-1')])).code).toBe(2);
  });

  it('lets counsel erase the reviewer', async () => {
    const r = await runCli(['erase', 'rv1', ...as('cn-1')]);
    expect(r.code, r.err).toBe(0);
    await expect(reviewerEmail()).rejects.toThrow(/erased/);
    const allowed = await lastErasureEvent('allowed');
    expect(allowed?.actor).toBe('cn-1');
    expect(allowed?.attrs?.['decision']).toMatchObject({
      outcome: 'allow',
      policies: ['erase-by-counsel'],
    });
  });
});

/**
 * The shipped set as it was before `privacy.erase`: what a database created earlier has
 * pinned until its policy owners activate a newer one.
 */
function setBeforeErasure(): CompiledPolicies {
  const files = { ...defaultPolicies().files() };
  delete files['privacy.cedar'];
  const schema = files[SCHEMA_FILE] ?? '';
  const declared = /\n {2}action "privacy\.erase" appliesTo \{[\s\S]*?\n {2}\};/;
  expect(schema).toMatch(declared);
  files[SCHEMA_FILE] = schema.replace(declared, '');
  const older = CompiledPolicies.fromFiles(files, 'before-erasure');
  expect(older.declares('privacy.erase')).toBe(false);
  return older;
}

describe('a database whose active policy set predates erasure', () => {
  let fixture: { fx: GuardFixture; deps: CaseDeps } | undefined;
  afterEach(async () => {
    await fixture?.fx.close();
    fixture = undefined;
  });

  it('refuses even counsel, saying a newer set must be activated, and ledgers it', async () => {
    fixture = await casesFixture();
    const { fx, deps } = fixture;
    fx.decider.use(setBeforeErasure());
    const refused = await requestErasure(deps, fx.vault, 'rv1', 'counsel1').then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string },
    );
    expect(refused?.code).toBe('NOT_PERMITTED');
    expect(refused?.message).toMatch(/predates privacy\.erase.*warden policy activate/);
    const sealed = JSON.parse((await fx.store.directory.get('reviewer', 'rv1')) ?? '{}') as {
      email: string;
    };
    expect(fx.vault.open('rv1', 'email', sealed.email)).toBe(RAW_EMAIL);
    const denied = await fx.store.guard.lastEvent('x-erasure.request', 'denied');
    expect(denied?.event.attrs?.['decision']).toMatchObject({ outcome: 'deny', undeclared: true });
  });

  it('still decides the case steps it declares', async () => {
    fixture = await casesFixture();
    const { fx, deps } = fixture;
    fx.decider.use(setBeforeErasure());
    const c = await openCase(deps, 'counsel1', 'bought reviews');
    await addSubject(deps, c.id, 'counsel1', 'reviewer', 'rv1');
    await hold(deps, c.id, 'counsel1', 'litigation expected');
    expect((await fx.store.cases.get(c.id))?.heldBy).toBe('counsel1');
  });
});
