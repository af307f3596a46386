import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employee, line, runCli, tempDir, type CliResult } from './helpers.js';

const SHIPPED_TABLE = fileURLToPath(new URL('../policies/decisions.ndjson', import.meta.url));
const RAW_EMAIL = 'mira.kovacs@example.org';
const PAST = '2026-01-01T00:00:00Z';

const dir = tempDir('warden-guard-cli-');
const db = join(dir.path, 'w.db');
const outputs: CliResult[] = [];
/** Each employee's API token, issued by the operator in `beforeAll`. */
const tokens = { a1: '', m1: '', m2: '' };

/** Runs warden on the test database; colours (on under CI) are taken out of the output. */
async function cli(...args: string[]): Promise<CliResult> {
  const r = plain(await runCli([...args, '--db', db]));
  outputs.push(r);
  return r;
}

function plain(r: CliResult): CliResult {
  return { ...r, out: stripVTControlCharacters(r.out), err: stripVTControlCharacters(r.err) };
}

beforeAll(async () => {
  const file = join(dir.path, 'directory.ndjson');
  writeFileSync(
    file,
    [
      employee('a1'),
      employee('m1', { team: 'review-moderation', role: 'moderator' }),
      employee('m2', { team: 'review-moderation', role: 'moderator' }),
      line({ v: 1, kind: 'seller', id: 's1', category: 'toys', region: 'EU' }),
      line({ v: 1, kind: 'product', id: 'p1', sellerId: 's1', category: 'toys' }),
      line({ v: 1, kind: 'reviewer', id: 'rv1', email: RAW_EMAIL, name: 'Mira Kovacs' }),
      line({
        v: 1,
        kind: 'review',
        id: 'r1',
        productId: 'p1',
        reviewerId: 'rv1',
        rating: 2,
        createdAt: PAST,
      }),
      line({
        v: 1,
        kind: 'ticket',
        id: 't1',
        sellerId: 's1',
        openedAt: PAST,
        assigneeId: 'a1',
        openedBy: 'seller',
        reviewId: 'r1',
      }),
    ].join('\n'),
  );
  expect((await runCli(['ingest', file, '--db', db])).code).toBe(0);
  for (const who of ['a1', 'm1', 'm2'] as const) {
    const issued = await runCli(['token', 'create', who, '--json', '--db', db]);
    expect(issued.code).toBe(0);
    tokens[who] = (JSON.parse(issued.out) as { token: string }).token;
  }
});
afterAll(() => dir.cleanup());

describe('warden policy', () => {
  describe('when the shipped policies are validated and tested', () => {
    it('validates them and passes the shipped table', async () => {
      const v = await runCli(['policy', 'validate', '--json']);
      expect(v.code).toBe(0);
      expect(JSON.parse(v.out)).toMatchObject({ valid: true });
      const t = await runCli(['policy', 'test', SHIPPED_TABLE]);
      expect(t.code).toBe(0);
      expect(t.out).toMatch(/all \d+ cases pass/);
    });
  });

  describe('when a case expects the wrong decision, or a row is malformed', () => {
    it('exits 1 on a failing case and 2 on a bad row, naming the line', async () => {
      const table = join(dir.path, 'cases.ndjson');
      const ok = readFileSync(SHIPPED_TABLE, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('{'))!;
      writeFileSync(table, `${ok.replace('"expect":"allow"', '"expect":"deny"')}\n`);
      const failing = await runCli(['policy', 'test', table, '--json']);
      expect(failing.code).toBe(1);
      expect(JSON.parse(failing.out)).toMatchObject({ failed: 1 });
      writeFileSync(table, `${ok}\n{"principal":{"id":"x"}}\n`);
      const bad = await runCli(['policy', 'test', table]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/cases\.ndjson:2: field principal\.team/);
    });
  });

  describe('when one request is explained', () => {
    it('shows the deciding policy and what Cedar was given; exit 1 on deny', async () => {
      const request = {
        principal: { id: 'a1', team: 'seller-support', role: 'support-agent' },
        action: 'seller.metrics.view',
        resource: { seller: 's2' },
        ticket: { id: 't1', holders: ['a1'], sellers: ['s1'] },
      };
      const denied = plain(await runCli(['policy', 'explain', JSON.stringify(request)]));
      expect(denied.code).toBe(1);
      expect(denied.out).toMatch(/no policy permits it/);
      const allowed = plain(
        await runCli([
          'policy',
          'explain',
          JSON.stringify({ ...request, resource: { seller: 's1' } }),
        ]),
      );
      expect(allowed.code).toBe(0);
      expect(allowed.out).toMatch(/seller-by-ticket — .*sellers\.cedar:\d+/);
      expect(allowed.out).toMatch(/"selfOpened": false/);
    });
  });
});

describe('warden request / approve / alias', () => {
  describe('when an agent looks up a reviewer under a ticket', () => {
    it('prints an alias and masked values, and the alias resolves to the agent', async () => {
      const r = await cli(
        'request',
        'reviewer.contact.view',
        'rv1',
        '--token',
        tokens.a1,
        '--ticket',
        't1',
        '--json',
      );
      expect(r.code).toBe(0);
      const result = JSON.parse(r.out) as { data: { alias: string; email: string } };
      expect(result.data.email).toBe('m***@e***.org');
      const resolved = await cli('alias', 'resolve', result.data.alias);
      expect(resolved.code).toBe(0);
      expect(resolved.out).toMatch(/handed to a1 \(reviewer rv1\)/);
      expect(resolved.out).toMatch(/t1/);
      expect(
        (await cli('alias', 'resolve', 'rv-aaaaaaaaaaaaaaaaaaaaaaaa@relay.marketplace.example'))
          .code,
      ).toBe(1);
    });
  });

  describe('when a moderator removes a 2-star review', () => {
    it('waits for a second moderator, refuses self-approval, then runs once', async () => {
      const asked = await cli(
        'request',
        'review.delete',
        'r1',
        '--token',
        tokens.m1,
        '--reason',
        'abuse',
        '--json',
      );
      expect(asked.code).toBe(0);
      const id = (JSON.parse(asked.out) as { approvalId: string }).approvalId;
      expect((await cli('approvals')).out).toContain(id);
      const self = await cli('approve', id, '--token', tokens.m1);
      expect(self.code).toBe(1);
      expect(self.out).toMatch(/approval-not-self/);
      expect((await cli('approve', id, '--token', tokens.m2)).code).toBe(0);
      const run = [
        'request',
        'review.delete',
        'r1',
        '--token',
        tokens.m1,
        '--reason',
        'abuse',
        '--approval',
        id,
      ];
      expect((await cli(...run)).code).toBe(0);
      const replay = await cli(...run);
      expect(replay.code).toBe(1);
      expect(replay.err).toMatch(/APPROVAL_USED/);
    });
  });

  describe('when the flags are wrong', () => {
    it('exits 2 with a message', async () => {
      const unknown = await cli('request', 'seller.delete', 's1', '--token', tokens.a1);
      expect(unknown.code).toBe(2);
      expect(unknown.err).toMatch(/unknown action "seller.delete"/);
      const rows = await cli(
        'request',
        'seller.metrics.export',
        's1',
        '--token',
        tokens.a1,
        '--rows',
        'abc',
      );
      expect(rows.code).toBe(2);
      const noEmployee = await cli('token', 'create', 'ghost');
      expect(noEmployee.code).toBe(2);
      expect(noEmployee.err).toMatch(/REQUEST_INVALID.*no employee ghost/);
      const noToken = await cli('request', 'seller.metrics.view', 's1');
      expect(noToken.code).toBe(2);
      expect(noToken.err).toMatch(/--token TOKEN or WARDEN_TOKEN/);
    });
  });

  describe('when all of the above is done', () => {
    it('never printed the raw address, never stored it, and recorded every request as an event', async () => {
      const printed = outputs.map((o) => o.out + o.err).join('\n');
      expect(printed).not.toContain(RAW_EMAIL);
      for (const file of readdirSync(dir.path).filter((f) => /^w\.db(-wal|-shm)?$/.test(f))) {
        expect(readFileSync(join(dir.path, file)).includes(Buffer.from(RAW_EMAIL)), file).toBe(
          false,
        );
      }
      const stats = JSON.parse((await cli('stats', '--json')).out) as { counts: { event: number } };
      // three tokens issued, the first policy set installed; look-up, request, refused
      // self-approval, approval, removal, refused replay
      expect(stats.counts.event).toBe(10);
      expect((await cli('ledger', 'verify')).code).toBe(0);
    });
  });
});
