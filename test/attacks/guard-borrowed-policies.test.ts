// Attack (issue row 2): bring your own policy set (`permit(principal, action, resource);`)
// through --policies or WARDEN_POLICIES, or edit the stored policy text in the database.
// Guarded operations decide by the active set as the ledger has it; changing it is a
// guarded action of its own, with a second approver and the diff in the ledger.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackDb, json, withEnv, type AttackDb } from './guard-support.js';

const SHIPPED = fileURLToPath(new URL('../../policies', import.meta.url));
let a: AttackDb;
let agent: string;
let permitAll: string;

beforeAll(async () => {
  a = await attackDb('warden-attack-policies-');
  agent = await a.token('a1');
  permitAll = join(a.dir, 'permit-all');
  mkdirSync(permitAll);
  cpSync(join(SHIPPED, 'warden.cedarschema'), join(permitAll, 'warden.cedarschema'));
  writeFileSync(join(permitAll, 'all.cedar'), '@id("all")\npermit(principal, action, resource);\n');
});
afterAll(() => a.cleanup());

interface Event {
  action: string;
  attrs: string;
}
const events = (): Event[] => {
  const d = new Database(a.db, { readonly: true });
  try {
    return d.prepare('SELECT action, attrs FROM events ORDER BY leaf').all() as Event[];
  } finally {
    d.close();
  }
};

describe('a borrowed policy directory', () => {
  describe('when passed to a guarded operation by flag or environment', () => {
    it('is refused with exit 2, saying how to change the active set, and nothing is revealed', async () => {
      const reveal = ['request', 'reviewer.contact.reveal', 'rv1', '--token', agent];
      const byFlag = await a.cli(...reveal, '--policies', permitAll);
      expect(byFlag.code).toBe(2);
      expect(byFlag.err).toMatch(/policy activate/);
      const byEnv = await withEnv({ WARDEN_POLICIES: permitAll }, () => a.cli(...reveal));
      expect(byEnv.code).toBe(2);
      for (const verb of ['approve', 'reject']) {
        expect((await a.cli(verb, 'ap-x', '--token', agent, '--policies', permitAll)).code).toBe(2);
      }
      expect(events().some((e) => e.action === 'x-reviewer.contact.reveal')).toBe(false);
    });
  });

  describe('when a guarded request is decided', () => {
    it('names the hash of the active (shipped, first-installed) set in its event', async () => {
      const r = await a.cli('request', 'seller.metrics.view', 's2', '--token', agent);
      expect(r.code).toBe(1);
      const install = events().find((e) => e.action === 'x-policy.activate')!;
      const installed = (JSON.parse(install.attrs) as { activates: string }).activates;
      expect(installed).toMatch(/^[0-9a-f]{64}$/);
      const decided = events().find((e) => e.action === 'seller.metrics.view')!;
      expect(JSON.parse(decided.attrs)).toMatchObject({
        decision: { outcome: 'deny', policySet: installed },
      });
    });
  });

  describe('when the policy-set owner activates a set', () => {
    it('waits for a second owner, refuses self-approval and others, then ledgers the diff', async () => {
      // the org names two policy owners (a new version of their directory records)
      const owners = join(a.dir, 'owners.ndjson');
      writeFileSync(
        owners,
        ['lead1', 'modlead']
          .map((id) =>
            JSON.stringify({
              v: 1,
              kind: 'employee',
              id,
              team: 'trust',
              role: 'policy-owner',
              site: 'SZX',
            }),
          )
          .join('\n'),
      );
      expect((await a.cli('ingest', owners)).code).toBe(0);
      const owner = await a.token('lead1');
      const second = await a.token('modlead');
      const edited = join(a.dir, 'edited');
      cpSync(SHIPPED, edited, { recursive: true });
      writeFileSync(
        join(edited, 'extra.cedar'),
        '@id("extra-forbid")\nforbid(principal, action == Warden::Action::"seller.account.view", resource);\n',
      );
      expect((await a.cli('policy', 'activate', edited, '--token', agent)).code).toBe(1);
      const asked = json<{ outcome: string; approvalId: string }>(
        await a.cli('policy', 'activate', edited, '--token', owner, '--json'),
      );
      expect(asked.outcome).toBe('pending');
      expect((await a.cli('approve', asked.approvalId, '--token', owner)).code).toBe(1);
      expect((await a.cli('approve', asked.approvalId, '--token', agent)).code).toBe(1);
      expect((await a.cli('approve', asked.approvalId, '--token', second)).code).toBe(0);
      const done = await a.cli(
        'policy',
        'activate',
        edited,
        '--token',
        owner,
        '--approval',
        asked.approvalId,
      );
      expect(done.code, done.err).toBe(0);
      const activation = events()
        .filter((e) => e.action === 'x-policy.activate')
        .map(
          (e) =>
            JSON.parse(e.attrs) as { diff?: { added: string[] }; decision: { outcome: string } },
        )
        .filter((x) => x.decision.outcome === 'allow');
      expect(activation.at(-1)?.diff?.added).toEqual(['extra-forbid']);
      // the new set is in force: the added forbid now decides
      const denied = json<{ decision: { policies: string[] } }>(
        await a.cli(
          'request',
          'seller.account.view',
          's1',
          '--token',
          agent,
          '--ticket',
          't1',
          '--json',
        ),
      );
      expect(denied.decision.policies).toContain('extra-forbid');
    });
  });

  describe('when a database writer edits the stored policy text', () => {
    it('refuses every guarded operation as an integrity failure (exit 1), not obeying it', async () => {
      const d = new Database(a.db);
      const rows = d.prepare('SELECT hash, files FROM policy_sets').all() as {
        hash: string;
        files: string;
      }[];
      for (const row of rows) {
        const files = JSON.parse(row.files) as Record<string, string>;
        files['all.cedar'] = readFileSync(join(permitAll, 'all.cedar'), 'utf8');
        d.prepare('UPDATE policy_sets SET files = ? WHERE hash = ?').run(
          JSON.stringify(files),
          row.hash,
        );
      }
      d.close();
      const r = await a.cli('request', 'reviewer.contact.reveal', 'rv1', '--token', agent);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/NOT_IN_LEDGER/);
      expect(r.out).not.toMatch(/allowed/);
    });
  });
});
