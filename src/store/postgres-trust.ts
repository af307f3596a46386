import { createHash } from 'node:crypto';
import type {
  DetectorState,
  DetectorStateRepository,
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

interface HeaderRow {
  ledgerSize: number;
  rootHash: Buffer;
  version: string;
  events: number;
  savedAt: string;
  bytes: number;
  chunks: number;
  sha256: Buffer;
}

/** The detection state on PostgreSQL: a header row and the bytes in numbered chunks. */
export class PgDetectorState implements DetectorStateRepository {
  constructor(
    private readonly c: PgConnection,
    /** Runs statements in a transaction of their own (or the one open). */
    private readonly atomically: <T>(f: () => Promise<T>) => Promise<T>,
  ) {}

  async describe(): Promise<Omit<DetectorState, 'data'> | undefined> {
    const h = await this.header();
    if (!h) return undefined;
    const { bytes: _b, chunks: _c, sha256: _s, ...described } = h;
    return described;
  }

  async load(): Promise<DetectorState | undefined> {
    const h = await this.header();
    if (!h) return undefined;
    const parts = (
      await this.c.arrays<[Buffer]>('SELECT data FROM detector_state_chunks ORDER BY seq')
    ).map(([d]) => d);
    const data = Buffer.concat(parts);
    const whole =
      parts.length === h.chunks &&
      data.length === h.bytes &&
      createHash('sha256').update(data).digest().equals(h.sha256);
    if (!whole) return undefined;
    const { bytes: _b, chunks: _c, sha256: _s, ...rest } = h;
    return { ...rest, data };
  }

  clear(): Promise<void> {
    return this.atomically(async () => {
      await this.c.run('DELETE FROM detector_state');
      await this.c.run('DELETE FROM detector_state_chunks');
    });
  }

  private async header(): Promise<HeaderRow | undefined> {
    const [row] = await this.c.rows<HeaderRow>(
      `SELECT ledger_size AS "ledgerSize", root_hash AS "rootHash", version, events,
              saved_at AS "savedAt", bytes, chunks, sha256 FROM detector_state WHERE id = 1`,
    );
    return row;
  }
}
