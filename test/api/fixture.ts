import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { serverDeps } from '../../src/cli/serve-wiring.js';
import { wireReadOnly, type ReadWired } from '../../src/cli/read-only.js';
import { wire, type Wired } from '../../src/cli/wiring.js';
import { Serial, buildApp, type Limits } from '../../src/server/index.js';
import type { StreamPublisher } from '../../src/stream/index.js';
import { employee, event, line, runCli, tempDir } from '../helpers.js';

/** Matchers, typed so that no `any` leaks into the tests' objects. */
export const ANY_TEXT: unknown = expect.any(String);
export const ANY_OBJECT: unknown = expect.any(Object);

export const PAST = '2026-01-01T00:00:00Z';
export const ISSUER = 'https://idp.marketplace.test';

/** The org profile's api grants the tests run under: roles as the test directory spells them. */
export const GRANTS = [
  { role: 'investigator', scopes: ['findings', 'approvals', 'ledger', 'cases', 'attribution'] },
  { role: 'feeder', scopes: ['ingest'] },
  { role: 'moderator', scopes: ['guard', 'approvals'] },
  { role: 'agent', scopes: ['guard'] },
  { role: 'auditor', scopes: ['ledger'] },
  { team: 'legal', scopes: ['cases', 'guard', 'approvals'] },
];

/** The directory: one employee per grant, one with no grant, one who has left. */
export function directoryLines(): string[] {
  return [
    employee('inv1', { team: 'trust', role: 'investigator' }),
    employee('feed1', { team: 'systems', role: 'feeder' }),
    employee('m1', { team: 'review-moderation', role: 'moderator' }),
    employee('m2', { team: 'review-moderation', role: 'moderator' }),
    employee('a1'),
    employee('aud1', { team: 'audit', role: 'auditor' }),
    employee('none1', { team: 'seller-support', role: 'trainee' }),
    employee('gone1', { role: 'investigator', leftAt: '2026-02-01T00:00:00Z' }),
    line({ v: 1, kind: 'seller', id: 's1', category: 'toys', region: 'EU' }),
    line({ v: 1, kind: 'product', id: 'p1', sellerId: 's1', category: 'toys' }),
    line({ v: 1, kind: 'reviewer', id: 'rv1', email: 'rv1@example.org', name: 'R One' }),
    line({
      v: 1,
      kind: 'review',
      id: 'r1',
      productId: 'p1',
      reviewerId: 'rv1',
      rating: 2,
      createdAt: PAST,
    }),
    ...['r2', 'r3'].map((id) =>
      line({
        v: 1,
        kind: 'review',
        id,
        productId: 'p1',
        reviewerId: 'rv1',
        rating: 1,
        createdAt: PAST,
      }),
    ),
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
    event('ev-1', { actor: 'a1', target: { type: 'seller', id: 's1' } }),
  ];
}

export interface ApiFixture {
  readonly dir: string;
  readonly db: string;
  readonly app: FastifyInstance;
  /** The app's write queue. */
  readonly writes: Serial;
  /** Each employee's API token. */
  readonly tokens: Readonly<Record<string, string>>;
  /** The JWT issuer's private key, and one from someone else. */
  readonly jwtKey: KeyObject;
  readonly otherKey: KeyObject;
  jwt(
    sub: string,
    over?: { issuer?: string; audience?: string; expiresIn?: string | number; key?: KeyObject },
  ): Promise<string>;
  token(employeeId: string, expires?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A seeded database, the operator's tokens, and the app over the CLI's own wiring; with
 * `publisher`, in publish mode (`warden serve --publish`), the fixture closing it after the app.
 */
export async function apiFixture(
  limits: Partial<Limits> = {},
  logTo?: { write(line: string): void },
  publisher?: StreamPublisher,
): Promise<ApiFixture> {
  const dir = tempDir('warden-api-');
  const db = join(dir.path, 'warden.db');
  writeFileSync(
    join(dir.path, 'warden.org.json'),
    JSON.stringify({ api: { grants: GRANTS } }, null, 2),
  );
  const file = join(dir.path, 'directory.ndjson');
  writeFileSync(file, `${directoryLines().join('\n')}\n`);
  const seeded = await runCli(['ingest', file, '--db', db]);
  if (seeded.code !== 0) throw new Error(seeded.err);
  const token = async (employeeId: string, expires?: string): Promise<string> => {
    const r = await runCli([
      'token',
      'create',
      employeeId,
      '--db',
      db,
      '--json',
      ...(expires ? ['--expires', expires] : []),
    ]);
    if (r.code !== 0) throw new Error(r.err);
    return (JSON.parse(r.out) as { token: string }).token;
  };
  const tokens: Record<string, string> = {};
  for (const id of ['inv1', 'feed1', 'm1', 'm2', 'a1', 'aud1', 'none1'])
    tokens[id] = await token(id);
  const { privateKey: jwtKey, publicKey } = generateKeyPairSync('ed25519');
  const { privateKey: otherKey } = generateKeyPairSync('ed25519');
  const env = {
    WARDEN_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    WARDEN_JWT_ISSUER: ISSUER,
  };
  const w: Wired = await wire(db);
  const reader: ReadWired = await wireReadOnly(db);
  const deps = await serverDeps(w, reader, {}, env);
  const writes = deps.writes ?? new Serial();
  const app = await buildApp({
    ...deps,
    writes,
    logger: logTo ? { level: 'info', stream: logTo } : false,
    limits,
    ...(publisher ? { publisher } : {}),
  });
  await app.ready();
  return {
    dir: dir.path,
    db,
    app,
    writes,
    tokens,
    jwtKey,
    otherKey,
    token,
    jwt: (sub, over = {}) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject(sub)
        .setIssuer(over.issuer ?? ISSUER)
        .setAudience(over.audience ?? 'warden')
        .setIssuedAt()
        .setExpirationTime(over.expiresIn ?? '5m')
        .sign(over.key ?? jwtKey),
    close: async () => {
      await app.close();
      await publisher?.close();
      await reader.close();
      await w.close();
      dir.cleanup();
    },
  };
}

/** Bearer header. */
export const bearer = (credential: string): Record<string, string> => ({
  authorization: `Bearer ${credential}`,
});
