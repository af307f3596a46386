import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCanaries, type Canary } from '../src/attribute/index.js';
import { wire } from '../src/cli/wiring.js';
import {
  openCheckpoint,
  recordLeafHash,
  verifierKeyFromSigner,
  verifyInclusion,
} from '../src/ledger/index.js';
import type { AccessEvent } from '../src/domain/index.js';
import { dumpDb, employee, line, runCli, tempDir, type CliResult } from './helpers.js';

const PAST = '2026-01-01T00:00:00Z';
const RAW_1 = 'mira.kovacs@example.org';
const RAW_2 = 'Jun.Okafor@Example.NET';
const DOMAIN = 'mail.example.org';

const dir = tempDir('warden-attribution-');
const db = join(dir.path, 'w.db');
const tokens: Record<string, string> = {};
let canaries: Canary[] = [];
let aliasOfA1 = '';

async function cli(...args: string[]): Promise<CliResult> {
  const r = await runCli([...args, '--db', db]);
  return { ...r, out: stripVTControlCharacters(r.out), err: stripVTControlCharacters(r.err) };
}

async function ingest(lines: string[]): Promise<void> {
  const file = join(dir.path, `in-${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(file, lines.join('\n'));
  const r = await cli('ingest', file);
  expect(r.code, r.err).toBe(0);
}

const recordOf = (c: Canary, kind: string): string => c.records.find((r) => r.kind === kind)!.id;
const forTeam = (team: string): Canary => canaries.find((c) => c.for === team)!;

/** A proof as attribution prints it, checked from scratch against the signed checkpoint. */
function expectProofVerifies(event: AccessEvent, proof: ProofJson, checkpoint: string): void {
  const signer = readFileSync(join(`${db}.keys`, 'ledger.key'), 'utf8').trim();
  const { checkpoint: cp } = openCheckpoint(checkpoint, [verifierKeyFromSigner(signer)]);
  expect(Number(cp.size)).toBe(proof.treeSize);
  const leaf = recordLeafHash({ kind: 'event', body: event });
  expect(leaf.toString('base64')).toBe(proof.leafHash);
  expect(() =>
    verifyInclusion(
      proof.leaf,
      proof.treeSize,
      leaf,
      proof.proof.map((h) => Buffer.from(h, 'base64')),
      Buffer.from(cp.rootHash),
    ),
  ).not.toThrow();
}
interface ProofJson {
  leaf: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

async function storedEvent(id: string): Promise<AccessEvent> {
  const w = await wire(db);
  try {
    return (await w.store.events.byIds([id])).get(id)!;
  } finally {
    await w.close();
  }
}

beforeAll(async () => {
  await ingest([
    employee('a1'),
    employee('a2'),
    employee('m1', { team: 'review-moderation', role: 'moderator' }),
    // a leaver who acted after leaving: findings exist before any canary is planted
    employee('x1', { leftAt: '2026-01-15T00:00:00Z' }),
    line({ v: 1, kind: 'seller', id: 's-101', category: 'toys', region: 'EU', name: 'Seller 101' }),
    line({ v: 1, kind: 'seller', id: 's-102', category: 'home', region: 'NA', name: 'Seller 102' }),
    line({ v: 1, kind: 'product', id: 'p-1001', sellerId: 's-101', category: 'toys' }),
    line({ v: 1, kind: 'reviewer', id: 'rv-1', email: RAW_1, name: 'Mira Kovacs' }),
    line({ v: 1, kind: 'reviewer', id: 'rv-2', email: RAW_2 }),
    line({
      v: 1,
      kind: 'review',
      id: 'r-1',
      productId: 'p-1001',
      reviewerId: 'rv-1',
      rating: 2,
      createdAt: PAST,
    }),
    line({ v: 1, kind: 'assignment', employeeId: 'a1', sellerId: 's-101', from: PAST }),
    line({
      v: 1,
      kind: 'ticket',
      id: 't1',
      sellerId: 's-101',
      openedAt: PAST,
      assigneeId: 'a1',
      openedBy: 'seller',
      reviewId: 'r-1',
    }),
  ]);
  await ingest([
    line({
      v: 1,
      kind: 'event',
      id: 'ev-leaver',
      time: '2026-02-01T09:00:00Z',
      actor: 'x1',
      action: 'seller.account.view',
      target: { type: 'seller', id: 's-101' },
    }),
  ]);
  for (const who of ['a1', 'a2', 'm1']) {
    const issued = await cli('token', 'create', who, '--json');
    tokens[who] = (JSON.parse(issued.out) as { token: string }).token;
  }
  const viewed = await cli(
    'request',
    'reviewer.contact.view',
    'rv-1',
    '--token',
    tokens['a1']!,
    '--ticket',
    't1',
    '--json',
  );
  aliasOfA1 = (JSON.parse(viewed.out) as { data: { alias: string } }).data.alias;
});
afterAll(() => dir.cleanup());

describe('warden canary plant', () => {
  let before: { risk: string; alerts: string; stats: Record<string, number> };

  it('refuses a bad domain or no domain (exit 2) and changes nothing', async () => {
    const dump = dumpDb(db);
    expect((await cli('canary', 'plant', '--per', 'team', '--domain', 'not a domain')).code).toBe(
      2,
    );
    const none = await cli('canary', 'plant', '--per', 'team');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--domain/);
    expect((await cli('canary', 'plant', '--per', 'site', '--domain', DOMAIN)).code).toBe(2);
    expect(dumpDb(db)).toBe(dump);
  });

  it('plants one canary per team, ledgered, the list sealed', async () => {
    expect((await cli('detect', '--json')).code).toBe(1); // the leaver's critical alert
    before = {
      risk: (await cli('risk', '--json')).out,
      alerts: (await cli('alerts', '--json')).out,
      stats: (JSON.parse((await cli('stats', '--json')).out) as { counts: Record<string, number> })
        .counts,
    };
    const r = await cli('canary', 'plant', '--per', 'team', '--domain', DOMAIN, '--json');
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as {
      planted: number;
      canaries: { for: string; address: string }[];
    };
    expect(out.planted).toBe(2);
    expect(out.canaries.map((c) => c.for).sort()).toEqual(['review-moderation', 'seller-support']);
    for (const c of out.canaries) expect(c.address).toMatch(new RegExp(`@${DOMAIN}$`));
    const w = await wire(db);
    try {
      canaries = [...(await readCanaries(w.store, w.vault)).canaries];
    } finally {
      await w.close();
    }
    expect(canaries).toHaveLength(2);
    expect((await cli('ledger', 'verify')).code).toBe(0);
    // the saved detection state never watched these canaries: it is not resumed
    const detect = await cli('detect', '--json');
    expect((JSON.parse(detect.out) as { resumedAt: number }).resumedAt).toBe(0);
    expect(detect.err).toMatch(/detection state discarded/);
    const again = await cli('detect', '--json');
    expect((JSON.parse(again.out) as { resumedAt: number }).resumedAt).toBeGreaterThan(0);
  });

  it('leaves no mark on the records, and stats, risk and alerts show nothing of them', async () => {
    const c = forTeam('seller-support');
    const seller = recordOf(c, 'seller');
    expect(seller).toMatch(/^s-\d{3}$/); // shaped like its neighbours, named like them
    const w = await wire(db);
    try {
      const record = JSON.parse((await w.store.directory.get('seller', seller))!) as {
        name: string;
      };
      expect(record.name).toBe(`Seller ${seller.slice(2)}`);
    } finally {
      await w.close();
    }
    const stats = (
      JSON.parse((await cli('stats', '--json')).out) as { counts: Record<string, number> }
    ).counts;
    for (const kind of ['seller', 'product', 'reviewer', 'review'])
      expect(stats[kind]).toBe(before.stats[kind]! + 2);
    expect(JSON.parse(before.alerts)).not.toEqual([]); // the comparison is of real findings
    expect((await cli('risk', '--json')).out).toBe(before.risk);
    expect((await cli('alerts', '--json')).out).toBe(before.alerts);
    const dump = dumpDb(db);
    expect(dump).not.toContain(c.address); // sealed like any reviewer's address
    // the canary's records are ordinary versions: nothing in the directory tables says canary
    for (const t of dump.split('\n').filter((l) => /^directory_/.test(l)))
      expect(t.toLowerCase()).not.toContain('canary');
    // the saved detection state's version says only that a list exists (a digest)
    const state = dump.split('\n').find((l) => l.startsWith('detector_state:'))!;
    for (const rec of c.records) expect(state).not.toContain(rec.id);
  });
});

describe('a touched canary', () => {
  it('is a critical alert naming the employee, through the guard, allowed or refused', async () => {
    const c = forTeam('seller-support');
    const denied = await cli(
      'request',
      'seller.metrics.view',
      recordOf(c, 'seller'),
      '--token',
      tokens['a2']!,
    );
    expect(denied.code).toBe(1);
    const allowed = await cli(
      'request',
      'review.view',
      recordOf(c, 'review'),
      '--token',
      tokens['m1']!,
    );
    expect(allowed.code).toBe(0);
    const alerts = await cli('alerts', '--json', '--severity', 'critical');
    expect(alerts.code).toBe(1);
    const list = JSON.parse(alerts.out) as { employeeId: string; detector: string }[];
    expect(
      list
        .filter((a) => a.detector === 'canary-touched')
        .map((a) => a.employeeId)
        .sort(),
    ).toEqual(['a2', 'm1']);
  });
});

describe('warden canary report', () => {
  it('names who was shown the address, each access with a proof that verifies', async () => {
    const c = forTeam('review-moderation');
    // another system's contact look-up (no guard decision): it showed the address
    await ingest([
      line({
        v: 1,
        kind: 'event',
        id: 'ev-side-1',
        time: '2026-03-02T10:00:00Z',
        actor: 'a2',
        action: 'reviewer.contact.view',
        target: { type: 'reviewer', id: recordOf(c, 'reviewer') },
      }),
    ]);
    const r = await cli('canary', 'report', c.address.toUpperCase(), '--json');
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(r.out) as {
      via: string;
      canary: { for: string };
      suspects: { employee: string; strongest: string; couldLeak: boolean; inVariant: boolean }[];
      accesses: { eventId: string; proof: ProofJson }[];
      head: { checkpoint: string };
    };
    expect(report.via).toBe('address');
    expect(report.canary.for).toBe('review-moderation');
    expect(report.suspects).toEqual([
      {
        employee: 'a2',
        strongest: 'revealed-address',
        couldLeak: true,
        inVariant: false,
        accesses: 1,
      },
    ]);
    for (const a of report.accesses)
      expectProofVerifies(await storedEvent(a.eventId), a.proof, report.head.checkpoint);
  });

  it('names the one employee a leaked alias of a canary was handed to', async () => {
    const c = forTeam('seller-support');
    await ingest([
      line({
        v: 1,
        kind: 'ticket',
        id: 't9',
        sellerId: recordOf(c, 'seller'),
        openedAt: PAST,
        assigneeId: 'a1',
        openedBy: 'customer',
        reviewId: recordOf(c, 'review'),
      }),
    ]);
    const got = await cli(
      'request',
      'reviewer.contact.view',
      recordOf(c, 'reviewer'),
      '--ticket',
      't9',
      '--token',
      tokens['a1']!,
      '--json',
    );
    expect(got.code, got.out).toBe(0);
    const alias = (JSON.parse(got.out) as { data: { alias: string } }).data.alias;
    const r = await cli('canary', 'report', alias, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as {
      via: string;
      suspects: { employee: string; strongest: string }[];
    };
    expect(report.via).toBe('alias');
    expect(report.suspects[0]).toMatchObject({ employee: 'a1', strongest: 'received-this-alias' });
    // the refused try stays on the record, weakest
    expect(report.suspects.find((s) => s.employee === 'a2')?.strongest).toBe('tried');
  });

  it('narrows a per-employee canary to its one employee, and names nobody when nothing touched it', async () => {
    const r = await cli('canary', 'plant', '--per', 'employee', '--domain', DOMAIN, '--json');
    expect(r.code, r.err).toBe(0);
    const planted = (JSON.parse(r.out) as { canaries: { for: string; address: string }[] })
      .canaries;
    expect(planted.map((c) => c.for).sort()).toEqual(['a1', 'a2', 'm1']);
    const mine = planted.find((c) => c.for === 'a1')!;
    const report = await cli('canary', 'report', mine.address, '--json');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.out)).toMatchObject({
      canary: { per: 'employee', for: 'a1' },
      suspects: [],
    });
    expect((await cli('canary', 'report', mine.address)).out).toMatch(
      /nobody recorded could have had/,
    );
  });

  it('refuses an address that is no canary (exit 2)', async () => {
    const r = await cli('canary', 'report', RAW_1);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/NOT_A_CANARY/);
  });
});

describe('warden trace emails', () => {
  it('traces aliases, plain addresses, junk and a forged alias in a pasted leak', async () => {
    await ingest([
      line({
        v: 1,
        kind: 'event',
        id: 'ev-side-2',
        time: '2026-03-02T11:00:00Z',
        actor: 'a2',
        action: 'reviewer.contact.view',
        target: { type: 'reviewer', id: 'rv-2' },
      }),
    ]);
    const leak = [
      'name,email,notes', // 1
      `"Kovacs, M","${aliasOfA1}",bought 2024`, // 2
      `J. Okafor,${RAW_2.toUpperCase()},`, // 3
      'broken,contact at nowhere@,', // 4
      'forged,rv-aaaaaaaaaaaaaaaaaaaaaaaa@relay.marketplace.example,', // 5
      'bad,rv-xyz@relay.marketplace.example,', // 6
      `To: "Mira" <${aliasOfA1}>,`, // 7
      '\tsomeone@unknown.example.com', // 8
      `mailto:${forTeam('review-moderation').address}`, // 9
    ].join('\r\n');
    const file = join(dir.path, 'leak.csv');
    writeFileSync(file, leak);
    const dump = dumpDb(db);
    const r = await cli('trace', 'emails', file, '--json');
    expect(r.code, r.err).toBe(1);
    expect(dumpDb(db)).toBe(dump); // tracing reads only
    const report = JSON.parse(r.out) as {
      addresses: {
        address: string;
        lines: number[];
        match: string;
        canary?: unknown;
        reviewers?: unknown;
        accesses: { employee: string; ticket?: string; eventId: string; proof: ProofJson }[];
      }[];
      junk: { line: number }[];
      named: { employee: string; aliases: number; revealed: number }[];
      head: { checkpoint: string };
    };
    const by = (a: string) => report.addresses.find((x) => x.address === a.toLowerCase())!;
    expect(by(aliasOfA1)).toMatchObject({ match: 'alias', lines: [2, 7] });
    expect(by(aliasOfA1).accesses).toEqual([
      expect.objectContaining({ employee: 'a1', ticket: 't1' }),
    ]);
    expect(by(RAW_2)).toMatchObject({
      match: 'reviewer',
      reviewers: [{ id: 'rv-2', standing: 'current' }],
    });
    expect(by(RAW_2).accesses.map((a) => a.employee)).toEqual(['a2']);
    expect(by('rv-aaaaaaaaaaaaaaaaaaaaaaaa@relay.marketplace.example').match).toBe('forged-alias');
    expect(by('rv-xyz@relay.marketplace.example').match).toBe('malformed-alias');
    expect(by('someone@unknown.example.com')).toMatchObject({ match: 'unknown', lines: [8] });
    expect(report.junk.map((j) => j.line)).toEqual([4]);
    // a canary's address is a reviewer's like any other (indexed at planting), and says so here
    expect(by(forTeam('review-moderation').address)).toMatchObject({
      match: 'reviewer',
      lines: [9],
      canary: { per: 'team', for: 'review-moderation' },
    });
    expect(report.named).toEqual([
      { employee: 'a1', aliases: 1, revealed: 0, viewed: 0 },
      { employee: 'a2', aliases: 0, revealed: 2, viewed: 0 },
    ]);
    for (const a of report.addresses)
      for (const x of a.accesses)
        expectProofVerifies(await storedEvent(x.eventId), x.proof, report.head.checkpoint);
  });

  it('reads a leak pasted on stdin (-)', async () => {
    const r = await runCli(
      ['trace', 'emails', '-', '--json', '--db', db],
      `From: x\nTo: <${aliasOfA1}>\n`,
    );
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(r.out) as { file: string; named: { employee: string }[] };
    expect(report.file).toBe('stdin');
    expect(report.named.map((n) => n.employee)).toEqual(['a1']);
  });

  it('still resolves a single alias (warden alias resolve, now through attribution)', async () => {
    const r = await cli('alias', 'resolve', aliasOfA1, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      expect.objectContaining({ viewer: 'a1', reviewer: 'rv-1', ticket: 't1' }),
    ]);
  });

  it('refuses a binary file, bad UTF-8 or a list without addresses, naming the line (exit 2)', async () => {
    const cases: [string, Buffer, RegExp][] = [
      ['nul.csv', Buffer.from('a@b.org\nok\nx\0y\n'), /line 3: a NUL byte/],
      [
        'latin1.txt',
        Buffer.concat([Buffer.from('a@b.org\n'), Buffer.from([0x6d, 0xfc, 0x6c, 0x0a])]),
        /line 2: not UTF-8/,
      ],
      ['empty.txt', Buffer.from('nobody here\nnot@ all\n'), /no e-mail address in 2 line/],
      ['utf16.txt', Buffer.from('\ufeffa@b.org', 'utf16le'), /UTF-16/],
    ];
    const dump = dumpDb(db);
    for (const [name, bytes, message] of cases) {
      const file = join(dir.path, name);
      writeFileSync(file, bytes);
      const r = await cli('trace', 'emails', file);
      expect(r.code, name).toBe(2);
      expect(r.err).toMatch(/LEAK_FILE_INVALID/);
      expect(r.err).toMatch(message);
    }
    expect((await cli('trace', 'emails', join(dir.path, 'missing.csv'))).code).toBe(2);
    expect(dumpDb(db)).toBe(dump);
  });
});

describe('when someone tampers with what attribution reads', () => {
  it('ignores a forged alias-index row that points a leaked alias at someone else', async () => {
    const raw = new Database(db);
    const row = raw.prepare('SELECT * FROM relay_aliases WHERE alias = ?').get(aliasOfA1) as {
      event_id: string;
    };
    raw
      .prepare(
        'INSERT INTO relay_aliases (alias, event_id, viewer, reviewer, issued_at, ticket) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(aliasOfA1, `${row.event_id}-x`, 'a2', 'rv-1', PAST, null);
    raw.close();
    const file = join(dir.path, 'one.txt');
    writeFileSync(file, `${aliasOfA1}\n`);
    const r = await cli('trace', 'emails', file, '--json');
    const report = JSON.parse(r.out) as { named: { employee: string }[] };
    expect(report.named.map((n) => n.employee)).toEqual(['a1']);
  });

  it('does not let a copied address-hash row name the viewers of another reviewer', async () => {
    const raw = new Database(db);
    raw
      .prepare(
        "INSERT INTO reviewer_email_hashes SELECT hash, 'rv-1' FROM reviewer_email_hashes WHERE reviewer = 'rv-2'",
      )
      .run();
    raw.close();
    const file = join(dir.path, 'plain.txt');
    writeFileSync(file, `${RAW_2}\n`);
    const report = JSON.parse((await cli('trace', 'emails', file, '--json')).out) as {
      addresses: {
        reviewers: { id: string; standing: string }[];
        accesses: { employee: string }[];
      }[];
      named: { employee: string }[];
    };
    expect(report.addresses[0]!.reviewers).toEqual([
      { id: 'rv-1', standing: 'not-current' },
      { id: 'rv-2', standing: 'current' },
    ]);
    // a1 viewed rv-1 (listed, flagged) but the forged row names nobody on its own
    expect(report.addresses[0]!.accesses.map((a) => a.employee).sort()).toEqual(['a1', 'a2']);
    expect(report.named.map((n) => n.employee)).toEqual(['a2']);
  });

  it('refuses to cite an access whose stored row was edited (NOT_IN_LEDGER, exit 1), naming nobody', async () => {
    const c = forTeam('review-moderation');
    const raw = new Database(db);
    raw.prepare("UPDATE events SET actor = 'm1' WHERE id = 'ev-side-1'").run();
    raw.close();
    const r = await cli('canary', 'report', c.address, '--json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/NOT_IN_LEDGER/);
    expect(r.out).toBe('');
  });

  it('refuses a sealed canary list that was altered (CANARY_LIST_DAMAGED, exit 1), in detection too', async () => {
    const raw = new Database(db);
    raw
      .prepare(
        "UPDATE attribution_canaries SET sealed = 'enc:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE seq = 1",
      )
      .run();
    raw.close();
    const report = await cli('canary', 'report', forTeam('seller-support').address);
    expect(report.code).toBe(1);
    expect(report.err).toMatch(/CANARY_LIST_DAMAGED/);
    // a damaged list must not quietly switch the canary alerts off
    const detect = await cli('detect');
    expect(detect.code).toBe(1);
    expect(detect.err).toMatch(/CANARY_LIST_DAMAGED/);
  });
});
