import type Database from 'better-sqlite3';
import type {
  PolicySetRepository,
  StoredPolicySet,
  StoredToken,
  TokenRepository,
} from './ports.js';

interface TokenRow {
  id: string;
  employee: string;
  secret_hash: Buffer;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  event_id: string;
}

/** API tokens, read side. */
export class SqliteTokens implements TokenRepository {
  constructor(private readonly db: Database.Database) {}

  get(id: string): Promise<StoredToken | undefined> {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as
      TokenRow | undefined;
    return Promise.resolve(row && tokenOf(row));
  }

  list(): Promise<StoredToken[]> {
    const rows = this.db
      .prepare('SELECT * FROM api_tokens ORDER BY created_at DESC, id')
      .all() as TokenRow[];
    return Promise.resolve(rows.map(tokenOf));
  }
}

/** Policy sets by hash, read side. */
export class SqlitePolicySets implements PolicySetRepository {
  constructor(private readonly db: Database.Database) {}

  get(hash: string): Promise<StoredPolicySet | undefined> {
    const row = this.db.prepare('SELECT * FROM policy_sets WHERE hash = ?').get(hash) as
      { hash: string; files: string; created_at: string } | undefined;
    if (!row) return Promise.resolve(undefined);
    return Promise.resolve({
      hash: row.hash,
      files: JSON.parse(row.files) as Record<string, string>,
      createdAt: row.created_at,
    });
  }
}

/** Tokens and policy sets, write side (inside a store transaction). */
export class SqliteTrustWriter {
  private readonly putSetStmt: Database.Statement;
  private readonly putTokenStmt: Database.Statement;

  constructor(db: Database.Database) {
    this.putSetStmt = db.prepare(
      'INSERT OR IGNORE INTO policy_sets (hash, files, created_at) VALUES (?, ?, ?)',
    );
    this.putTokenStmt = db.prepare(
      `INSERT OR REPLACE INTO api_tokens (id, employee, secret_hash, created_at, expires_at,
         revoked_at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  putPolicySet(s: StoredPolicySet): void {
    const files = Object.fromEntries(
      Object.entries(s.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    this.putSetStmt.run(s.hash, JSON.stringify(files), s.createdAt);
  }

  putToken(t: StoredToken): void {
    this.putTokenStmt.run(
      t.id,
      t.employee,
      t.secretHash,
      t.createdAt,
      t.expiresAt ?? null,
      t.revokedAt ?? null,
      t.eventId,
    );
  }
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
