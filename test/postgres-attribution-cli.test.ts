import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTestSchemas } from '../src/store/postgres-test-support.js';
import { employee, line, runCli, tempDir, type CliResult } from './helpers.js';

/** Attribution on PostgreSQL (`--pg`): canaries planted and an e-mail leak traced, as on SQLite. */
const schemas = await pgTestSchemas();
const dir = tempDir('warden-pg-attr-');
const RAW = 'Mira.Kovacs@Example.org';
const DOMAIN = 'mail.example.org';
const PAST = '2026-01-01T00:00:00Z';

async function withKeys(args: string[], url: string): Promise<CliResult> {
  const saved = process.env['WARDEN_KEY_DIR'];
  process.env['WARDEN_KEY_DIR'] = join(dir.path, 'keys');
  try {
    return await runCli([...args, '--pg', url]);
  } finally {
    if (saved === undefined) delete process.env['WARDEN_KEY_DIR'];
    else process.env['WARDEN_KEY_DIR'] = saved;
  }
}

if ('skip' in schemas) {
  describe.skip(`attribution on PostgreSQL (${schemas.skip})`, () => {
    it('needs the server', () => undefined);
  });
} else {
  const url = schemas.url();
  const pg = (...args: string[]): Promise<CliResult> => withKeys(args, url);
  beforeAll(async () => {
    const file = join(dir.path, 'in.ndjson');
    writeFileSync(
      file,
      [
        employee('a1'),
        employee('m1', { team: 'review-moderation', role: 'moderator' }),
        line({ v: 1, kind: 'seller', id: 's-101', category: 'toys', region: 'EU', name: 'S 101' }),
        line({ v: 1, kind: 'product', id: 'p-1001', sellerId: 's-101', category: 'toys' }),
        line({ v: 1, kind: 'reviewer', id: 'rv-1', email: RAW, name: 'Mira Kovacs' }),
        line({
          v: 1,
          kind: 'review',
          id: 'r-1',
          productId: 'p-1001',
          reviewerId: 'rv-1',
          rating: 2,
          createdAt: PAST,
        }),
        line({
          v: 1,
          kind: 'event',
          id: 'ev-1',
          time: '2026-03-02T10:00:00Z',
          actor: 'a1',
          action: 'reviewer.contact.view',
          target: { type: 'reviewer', id: 'rv-1' },
        }),
      ].join('\n'),
    );
    const r = await pg('ingest', file);
    expect(r.code, r.err).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await schemas.dropAll();
    dir.cleanup();
  });

  describe('warden canary plant and trace emails --pg', () => {
    it('plants a sealed canary per team and traces a leaked address and a canary to their reviewers', async () => {
      const planted = await pg('canary', 'plant', '--per', 'team', '--domain', DOMAIN, '--json');
      expect(planted.code, planted.err).toBe(0);
      const { canaries } = JSON.parse(planted.out) as {
        canaries: { for: string; address: string }[];
      };
      expect(canaries.map((c) => c.for).sort()).toEqual(['review-moderation', 'seller-support']);
      const canary = canaries.find((c) => c.for === 'seller-support')!;
      expect((await pg('ledger', 'verify')).code).toBe(0);

      const leak = join(dir.path, 'leak.csv');
      writeFileSync(
        leak,
        ['email', RAW.toUpperCase(), canary.address, 'x@nowhere.example'].join('\n'),
      );
      const traced = await pg('trace', 'emails', leak, '--json');
      expect(traced.code, traced.err).toBe(1);
      const report = JSON.parse(traced.out) as {
        addresses: {
          address: string;
          match: string;
          canary?: { for: string };
          reviewers?: { id: string }[];
          accesses: { employee: string }[];
        }[];
      };
      const by = (a: string) => report.addresses.find((x) => x.address === a.toLowerCase())!;
      expect(by(RAW)).toMatchObject({ match: 'reviewer', reviewers: [{ id: 'rv-1' }] });
      expect(by(RAW).accesses.map((x) => x.employee)).toEqual(['a1']);
      expect(by(canary.address)).toMatchObject({
        match: 'reviewer',
        canary: { for: 'seller-support' },
      });
      expect(by('x@nowhere.example').match).toBe('unknown');
    });
  });
}
