import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.js';

/**
 * Numbered migrations, applied in order, each in its own transaction, recorded in
 * `schema_version`. Never edit a migration that has shipped: add the next number.
 */
const MIGRATIONS: readonly (readonly [number, string])[] = [
  [
    1,
    `
    CREATE TABLE events (
      leaf INTEGER PRIMARY KEY,           -- the record's leaf index in the ledger
      id TEXT NOT NULL UNIQUE,
      ts INTEGER NOT NULL,                -- epoch ms of time, for ordering and spans
      time TEXT NOT NULL,                 -- as sent (RFC 3339)
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target_type TEXT NOT NULL,
      target_id TEXT NOT NULL,
      outcome TEXT,
      ticket TEXT,
      context TEXT,                       -- canonical JSON
      attrs TEXT                          -- canonical JSON
    );
    CREATE TABLE directory_versions (
      leaf INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      key TEXT NOT NULL,
      payload TEXT NOT NULL               -- canonical JSON, personal data sealed
    );
    CREATE TABLE directory_current (
      kind TEXT NOT NULL,
      key TEXT NOT NULL,
      leaf INTEGER NOT NULL,
      PRIMARY KEY (kind, key)
    ) WITHOUT ROWID;
    CREATE TABLE ledger_tiles (
      id INTEGER PRIMARY KEY,             -- tile_level * 2^48 + tile_index: a rowid table keeps
      tile_level INTEGER NOT NULL,        -- a 16 KiB tile in its leaf page (no overflow chain)
      tile_index INTEGER NOT NULL,
      data BLOB NOT NULL
    );
    CREATE TABLE ledger_checkpoints (
      id INTEGER PRIMARY KEY,
      size INTEGER NOT NULL,
      root_hash BLOB NOT NULL,
      note TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE data_keys (
      subject TEXT PRIMARY KEY,
      wrapped BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE batches (
      id INTEGER PRIMARY KEY,
      source TEXT NOT NULL,
      started_at TEXT NOT NULL,
      finished_at TEXT NOT NULL,
      records INTEGER NOT NULL,
      events INTEGER NOT NULL,
      duplicates INTEGER NOT NULL,
      rejected INTEGER NOT NULL,
      ledger_size INTEGER NOT NULL
    );
    `,
  ],
  [
    2,
    `
    -- The detectors' latest findings (risk and alerts, as the contract shapes them), with the
    -- ledger size they were computed at: recomputed when the ledger has grown.
    CREATE TABLE findings (
      id INTEGER PRIMARY KEY,
      computed_at TEXT NOT NULL,
      ledger_size INTEGER NOT NULL,
      events INTEGER NOT NULL,
      risk TEXT NOT NULL,
      alerts TEXT NOT NULL
    );
    `,
  ],
  [
    3,
    `
    -- The guard's working state. The truth is in the ledger (every request, decision,
    -- approval and effect is an event leaf); these tables answer "is this approval still
    -- good?" and "who received this alias?" without a replay.
    CREATE TABLE approvals (
      id TEXT PRIMARY KEY,
      requester TEXT NOT NULL,
      action TEXT NOT NULL,
      target_type TEXT NOT NULL,
      target_id TEXT NOT NULL,
      request TEXT NOT NULL,              -- canonical JSON of what was asked
      sellers TEXT NOT NULL,              -- JSON array
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'executed')),
      request_event TEXT NOT NULL,
      decided_by TEXT,
      decided_at TEXT,
      executed_at TEXT
    );
    CREATE INDEX approvals_status ON approvals (status, created_at);
    CREATE TABLE relay_aliases (
      alias TEXT NOT NULL,
      event_id TEXT NOT NULL,
      viewer TEXT NOT NULL,
      reviewer TEXT NOT NULL,
      issued_at TEXT NOT NULL,
      ticket TEXT,
      UNIQUE (alias, event_id)
    );
    `,
  ],
  [
    4,
    `
    -- Each record's versions in leaf order: the newest version of every record is one ordered
    -- scan (ledger verify's current-pointer check was a correlated scan per record, quadratic).
    CREATE INDEX directory_versions_record ON directory_versions (kind, key, leaf);
    `,
  ],
  [
    5,
    `
    -- The detection engine's state (a snapshot, src/detect/snapshot.ts) and what it covers:
    -- the ledger's size and root hash, and the version of the code and configuration that
    -- wrote it. One state at a time, replaced in one transaction; its bytes in chunks.
    CREATE TABLE detector_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      ledger_size INTEGER NOT NULL,
      root_hash BLOB NOT NULL,
      version TEXT NOT NULL,
      events INTEGER NOT NULL,
      saved_at TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      chunks INTEGER NOT NULL,
      sha256 BLOB NOT NULL
    );
    CREATE TABLE detector_state_chunks (
      seq INTEGER PRIMARY KEY,
      data BLOB NOT NULL
    );
    `,
  ],
  [
    6,
    `
    -- The guard's policy sets: every set proposed or activated, by the SHA-256 of its
    -- canonical files. Which set is active is not stored here: it is the one named by the
    -- latest allowed policy activation event in the ledger, and its files must hash to it.
    CREATE TABLE policy_sets (
      hash TEXT PRIMARY KEY,               -- hex SHA-256 of canonical JSON {file name: text}
      files TEXT NOT NULL,                 -- canonical JSON {file name: text}
      created_at TEXT NOT NULL
    ) WITHOUT ROWID;
    -- Per-employee API tokens: only the SHA-256 of each secret is kept; issuance and
    -- revocation are ledgered events.
    CREATE TABLE api_tokens (
      id TEXT PRIMARY KEY,
      employee TEXT NOT NULL,
      secret_hash BLOB NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT,
      revoked_at TEXT,
      event_id TEXT NOT NULL
    ) WITHOUT ROWID;
    -- The events that name an approval (its request, grant or rejection, its uses): the guard
    -- derives an approval's state from them, not from the approvals table.
    CREATE INDEX events_approval ON events (json_extract(attrs, '$.approvalId'))
      WHERE json_extract(attrs, '$.approvalId') IS NOT NULL;
    CREATE INDEX events_action ON events (action, leaf);
    `,
  ],
  [
    7,
    `
    -- Investigations (src/cases): cases, their subjects and linked alerts, notes, and what was
    -- done with each alert. Every change is also a ledgered event (x-case.*, x-alert.*); these
    -- tables are the working index.
    CREATE TABLE cases (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
      assignee TEXT,
      opened_by TEXT NOT NULL,
      opened_at TEXT NOT NULL,
      reveal_requested_by TEXT,
      revealed_by TEXT,
      revealed_at TEXT,
      held_at TEXT,                       -- legal hold: its subjects' data cannot be erased
      held_by TEXT,
      event_id TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX cases_opened ON cases (opened_at DESC, id);
    CREATE TABLE case_members (
      case_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('alert', 'employee', 'seller', 'reviewer')),
      ref TEXT NOT NULL,
      detail TEXT,                        -- an alert's canonical JSON as linked
      added_at TEXT NOT NULL,
      event_id TEXT NOT NULL,
      PRIMARY KEY (case_id, kind, ref)
    ) WITHOUT ROWID;
    CREATE INDEX case_members_ref ON case_members (kind, ref, case_id);
    CREATE TABLE case_notes (
      id INTEGER PRIMARY KEY,
      case_id TEXT NOT NULL,
      author TEXT NOT NULL,
      text TEXT NOT NULL,
      at TEXT NOT NULL,
      event_id TEXT NOT NULL
    );
    CREATE INDEX case_notes_case ON case_notes (case_id, id);
    CREATE TABLE alert_triage (
      alert_id TEXT PRIMARY KEY,
      detector TEXT NOT NULL,
      employee TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('acknowledged', 'dismissed', 'escalated')),
      by TEXT NOT NULL,
      at TEXT NOT NULL,
      reason TEXT,
      until TEXT,
      case_id TEXT,
      event_id TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX alert_triage_state ON alert_triage (state, until);
    -- Erasures asked for while a legal hold names the person: carried out when the last
    -- hold on them is released.
    CREATE TABLE erasure_requests (
      subject TEXT PRIMARY KEY,
      requested_by TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      event_id TEXT NOT NULL
    ) WITHOUT ROWID;
    -- Employees whose access an enforcement measure suspended or revoked (the guard treats
    -- them as gone); the measure's event is the record, this row the guard's fast look-up.
    CREATE TABLE employee_access (
      employee TEXT PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('suspended', 'revoked')),
      event_id TEXT NOT NULL
    ) WITHOUT ROWID;
    -- Commands to the marketplace's systems, delivered at least once, idempotent by id.
    CREATE TABLE outbox (
      id TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      measure TEXT NOT NULL,
      payload TEXT NOT NULL,              -- canonical JSON of the command
      created_at TEXT NOT NULL,
      event_id TEXT NOT NULL,
      delivered_at TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT
    ) WITHOUT ROWID;
    CREATE INDEX outbox_pending ON outbox (delivered_at, created_at);
    -- Appeals against measures (EU DSA Art. 20), decided by someone other than who acted.
    CREATE TABLE appeals (
      id TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      measure_event TEXT NOT NULL,
      appellant TEXT NOT NULL,
      grounds TEXT NOT NULL,
      filed_by TEXT NOT NULL,
      filed_at TEXT NOT NULL,
      outcome TEXT CHECK (outcome IN ('upheld', 'overturned')),
      decided_by TEXT,
      decided_at TEXT,
      decision TEXT,
      event_id TEXT NOT NULL
    ) WITHOUT ROWID;
    -- A case's timeline: every event of its subjects (as actor) and entities (as target).
    CREATE INDEX events_actor ON events (actor, leaf);
    CREATE INDEX events_target ON events (target_id, leaf);
    `,
  ],
  [
    8,
    `
    -- Attribution: which directory records are canaries. Each row is sealed by the vault (the
    -- master key), so the database alone does not say which records they are; only
    -- attribution, holding the key, reads it. The records themselves are ordinary versions.
    CREATE TABLE attribution_canaries (
      seq INTEGER PRIMARY KEY,
      sealed TEXT NOT NULL
    );
    -- A keyed hash (HMAC under a key derived from the master key) of each reviewer e-mail
    -- address sealed at import: a leaked plain address is matched to its reviewer without
    -- opening any reviewer's sealed data. Old addresses stay: a leaked old address still traces.
    CREATE TABLE reviewer_email_hashes (
      hash BLOB NOT NULL,
      reviewer TEXT NOT NULL,
      PRIMARY KEY (hash, reviewer)
    ) WITHOUT ROWID;
    `,
  ],
  [
    9,
    `
    -- The detection state is held to a MAC under a key derived from the master key, no longer
    -- to a plain SHA-256 that anyone who can write the database could recompute: states saved
    -- before are dropped (the next detect replays the whole ledger once).
    DELETE FROM detector_state;
    DELETE FROM detector_state_chunks;
    ALTER TABLE detector_state RENAME COLUMN sha256 TO mac;
    -- The state's directory part (the bulk of it), saved less often than the rest: the ledger
    -- size it covers, its length, its chunks and its MAC. One at a time, like the rest.
    CREATE TABLE detector_directory (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      ledger_size INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      chunks INTEGER NOT NULL,
      mac BLOB NOT NULL
    );
    CREATE TABLE detector_directory_chunks (
      seq INTEGER PRIMARY KEY,
      data BLOB NOT NULL
    );
    `,
  ],
  [
    10,
    `
    -- A partition ledger fed from the event stream: each leaf's message (its sequence
    -- number in the stream, which orders every partition's records), written with the leaf.
    CREATE TABLE stream_positions (
      leaf INTEGER PRIMARY KEY,
      seq INTEGER NOT NULL
    );
    `,
  ],
  [
    11,
    `
    -- The directory part is kept in one of two slots. A save may write a new part into the
    -- slot the saved state does not name, in a transaction of its own, and then the rest of the
    -- state naming it in another: stopped in between, the saved state is still whole. States
    -- saved before are dropped (the next detect replays the whole ledger once).
    DELETE FROM detector_state;
    DELETE FROM detector_state_chunks;
    DROP TABLE detector_directory;
    DROP TABLE detector_directory_chunks;
    ALTER TABLE detector_state ADD COLUMN directory_slot INTEGER NOT NULL DEFAULT 1
      CHECK (directory_slot IN (1, 2));
    CREATE TABLE detector_directory (
      id INTEGER PRIMARY KEY CHECK (id IN (1, 2)),
      ledger_size INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      chunks INTEGER NOT NULL,
      mac BLOB NOT NULL
    );
    CREATE TABLE detector_directory_chunks (
      slot INTEGER NOT NULL CHECK (slot IN (1, 2)),
      seq INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (slot, seq)
    );
    `,
  ],
];

/** The migrations' numbers, in the order they are applied. */
export const SCHEMA_VERSIONS: readonly number[] = MIGRATIONS.map(([v]) => v);
export const LATEST_SCHEMA_VERSION = Math.max(...SCHEMA_VERSIONS);

export function migrate(db: Database, now: () => string): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  // By number, not by the highest: a database may lack a lower number merged in later.
  const applied = new Set(
    db.prepare('SELECT version FROM schema_version').pluck().all() as number[],
  );
  const unknown = [...applied].find((v) => !SCHEMA_VERSIONS.includes(v));
  if (unknown !== undefined) {
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `the database has schema version ${unknown}, which this Warden does not know (it knows ${SCHEMA_VERSIONS.join(', ')}): upgrade Warden`,
    );
  }
  for (const [version, sql] of MIGRATIONS) {
    if (applied.has(version)) continue;
    try {
      db.transaction(() => {
        db.exec(sql);
        db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(
          version,
          now(),
        );
      }).immediate();
    } catch (cause) {
      throw new StoreError('MIGRATION_FAILED', `migration ${version} failed`, { cause });
    }
  }
}

/**
 * For a database opened read-only (never migrated): it must hold a Warden schema no newer
 * than this Warden knows. An older one is read as it is.
 */
export function checkSchema(db: Database, path: string): void {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
    .get();
  if (table === undefined) {
    throw new StoreError('OPEN_FAILED', `${path} is not a Warden database (no schema version)`);
  }
  const v =
    (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null }).v ??
    0;
  if (v === 0) {
    throw new StoreError(
      'OPEN_FAILED',
      `${path} holds no Warden schema yet (created, never migrated): ingest into it first`,
    );
  }
  if (v > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `${path} is at schema version ${v}; this Warden knows up to ${LATEST_SCHEMA_VERSION}: upgrade Warden`,
    );
  }
}
