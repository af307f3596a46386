import type {
  PolicySetRepository,
  StoredPolicySet,
  StoredToken,
  TokenRepository,
} from './ports.js';
import type { PgConnection } from './postgres-connection.js';

interface TokenRow {
  id: string;
  employee: string;
  secret_hash: Buffer;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  event_id: string;
}

/** API tokens on PostgreSQL, read side. */
export class PgTokens implements TokenRepository {
  constructor(private readonly c: PgConnection) {}

  async get(id: string): Promise<StoredToken | undefined> {
    const [row] = await this.c.rows<TokenRow>('SELECT * FROM api_tokens WHERE id = $1', [id]);
    return row && tokenOf(row);
  }

  async list(): Promise<StoredToken[]> {
    const rows = await this.c.rows<TokenRow>(
      'SELECT * FROM api_tokens ORDER BY created_at DESC, id',
    );
    return rows.map(tokenOf);
  }
}

/** Policy sets by hash on PostgreSQL, read side. */
export class PgPolicySets implements PolicySetRepository {
  constructor(private readonly c: PgConnection) {}

  async get(hash: string): Promise<StoredPolicySet | undefined> {
    const [row] = await this.c.rows<{ hash: string; files: string; created_at: string }>(
      'SELECT * FROM policy_sets WHERE hash = $1',
      [hash],
    );
    if (!row) return undefined;
    return {
      hash: row.hash,
      files: JSON.parse(row.files) as Record<string, string>,
      createdAt: row.created_at,
    };
  }
}

/** Stores a policy set's files once per hash (files sorted by name, as on SQLite). */
export async function putPolicySet(c: PgConnection, s: StoredPolicySet): Promise<void> {
  const files = Object.fromEntries(
    Object.entries(s.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  await c.run(
    'INSERT INTO policy_sets (hash, files, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING',
    [s.hash, JSON.stringify(files), s.createdAt],
  );
}

/** Stores a token (its secret's hash only), or its new state. */
export async function putToken(c: PgConnection, t: StoredToken): Promise<void> {
  await c.run(
    `INSERT INTO api_tokens (id, employee, secret_hash, created_at, expires_at, revoked_at, event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET employee = EXCLUDED.employee, secret_hash = EXCLUDED.secret_hash,
       created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
       revoked_at = EXCLUDED.revoked_at, event_id = EXCLUDED.event_id`,
    [
      t.id,
      t.employee,
      t.secretHash,
      t.createdAt,
      t.expiresAt ?? null,
      t.revokedAt ?? null,
      t.eventId,
    ],
  );
}

function tokenOf(r: TokenRow): StoredToken {
  return {
    id: r.id,
    employee: r.employee,
    secretHash: r.secret_hash,
    createdAt: r.created_at,
    eventId: r.event_id,
    ...(r.expires_at === null ? {} : { expiresAt: r.expires_at }),
    ...(r.revoked_at === null ? {} : { revokedAt: r.revoked_at }),
  };
}
