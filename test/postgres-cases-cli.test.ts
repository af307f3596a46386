import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTestSchemas } from '../src/store/postgres-test-support.js';
import { employee, event, line, runCli, tempDir, type CliResult } from './helpers.js';

/** Cases on PostgreSQL (`--pg`): an alert escalated to a case, a hold that makes an erasure wait. */
const schemas = await pgTestSchemas();
const dir = tempDir('warden-pg-cases-');

if ('skip' in schemas) {
  describe.skip(`cases on PostgreSQL (${schemas.skip})`, () => {
    it('needs the server', () => undefined);
  });
} else {
  const url = schemas.url();
  const saved = { ...process.env };
  const pg = (...args: string[]): Promise<CliResult> => runCli([...args, '--pg', url]);
  const as = (who: string): string[] => ['--insecure-as', who, '--json'];
  beforeAll(async () => {
    process.env['WARDEN_INSECURE_IDENTITY'] = '1';
    process.env['WARDEN_KEY_DIR'] = join(dir.path, 'keys');
    const file = join(dir.path, 'in.ndjson');
    writeFileSync(
      file,
      [
        employee('inv-1', { team: 'security', role: 'investigator' }),
        employee('inv-2', { team: 'security', role: 'investigator' }),
        employee('cn-1', { team: 'legal', role: 'counsel' }),
        employee('x-9', { leftAt: '2026-03-01T00:00:00Z' }),
        line({ v: 1, kind: 'seller', id: 's-1', category: 'toys', region: 'EU' }),
        line({ v: 1, kind: 'reviewer', id: 'rv-1', email: 'jane@example.com' }),
        event('ev-1', { actor: 'x-9', action: 'seller.account.view' }),
      ].join('\n'),
    );
    const r = await pg('ingest', file);
    expect(r.code, r.err).toBe(0);
  }, 120_000);
  afterAll(async () => {
    process.env = saved;
    await schemas.dropAll();
    dir.cleanup();
  });

  describe('warden case and erase --pg', () => {
    it("escalates a leaver's alert to a case whose timeline holds the event", async () => {
      const alerts = JSON.parse((await pg('alerts', '--json')).out) as {
        id: string;
        employeeId: string;
      }[];
      const alertId = alerts.find((a) => a.employeeId === 'x-9')?.id ?? '';
      const escalated = await pg('case', 'escalate', alertId, ...as('inv-1'));
      expect(escalated.code, escalated.err).toBe(0);
      const caseId = (JSON.parse(escalated.out) as { case: string }).case;
      const timeline = await pg('case', 'timeline', caseId, ...as('inv-1'));
      expect(timeline.code, timeline.err).toBe(0);
      expect(timeline.out).toContain('ev-1');
      expect((await pg('ledger', 'verify')).code).toBe(0);
    });

    it('makes an erasure wait under a hold (exit 1) and carries it out at the release', async () => {
      const opened = await pg('case', 'open', '--title', 'bought reviews', ...as('inv-1'));
      const id = (JSON.parse(opened.out) as { id: string }).id;
      expect((await pg('case', 'add', id, '--reviewer', 'rv-1', ...as('inv-1'))).code).toBe(0);
      expect((await pg('case', 'hold', id, '--reason', 'court', ...as('inv-1'))).code).toBe(0);
      const waiting = await pg('erase', 'rv-1', ...as('cn-1'));
      expect(waiting.code, waiting.err).toBe(1);
      expect(JSON.parse(waiting.out)).toEqual({ erased: false, subject: 'rv-1', waitingFor: [id] });
      const released = await pg('case', 'release', id, ...as('inv-1'));
      expect(JSON.parse(released.out)).toMatchObject({ erased: ['rv-1'] });
      expect((await pg('ledger', 'verify')).code).toBe(0);
    });
  });
}
