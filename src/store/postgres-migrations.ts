import { StoreError } from './errors.js';
import type { PgConnection } from './postgres-connection.js';

/**
 * Numbered migrations of the PostgreSQL schema, applied in order, each in its own transaction,
 * recorded in `schema_version`. Never edit a migration that has shipped: add the next number.
 * The tables are SQLite's (`sqlite-migrations.ts`) in PostgreSQL's types: directory keys are
 * `bytea` (assignment keys hold NUL, which `text` cannot, and compare byte by byte as SQLite
 * does), and text that is sorted is `COLLATE "C"` (byte order, whatever the database's locale).
 */
const MIGRATIONS: readonly (readonly [number, string])[] = [
  [
    1,
    `
    CREATE TABLE events (
      leaf bigint PRIMARY KEY,            -- the record's leaf index in the ledger
      id text NOT NULL UNIQUE,
      ts bigint NOT NULL,                 -- epoch ms of time, for ordering and spans
      time text NOT NULL,                 -- as sent (RFC 3339)
      actor text NOT NULL,
      action text COLLATE "C" NOT NULL,
      target_type text NOT NULL,
      target_id text NOT NULL,
      outcome text,
      ticket text,
      context text,                       -- JSON as stored (spliced into lines verbatim)
      attrs text,
      -- from attrs when written (jsonb refuses the NUL escape that JSON allows: no cast on read)
      approval_id text,                   -- attrs.approvalId, when a string
      decided boolean NOT NULL            -- attrs.decision is present and not null
    );
    CREATE TABLE directory_versions (
      leaf bigint PRIMARY KEY,
      kind text NOT NULL,
      key bytea NOT NULL,
      payload text NOT NULL               -- canonical JSON, personal data sealed
    );
    CREATE TABLE directory_current (
      kind text NOT NULL,
      key bytea NOT NULL,
      leaf bigint NOT NULL,
      PRIMARY KEY (kind, key)
    );
    CREATE TABLE ledger_tiles (
      tile_level integer NOT NULL,
      tile_index bigint NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (tile_level, tile_index)
    );
    -- hashes do not compress: store tiles as they are, without trying
    ALTER TABLE ledger_tiles ALTER COLUMN data SET STORAGE EXTERNAL;
    CREATE TABLE ledger_checkpoints (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      size bigint NOT NULL,
      root_hash bytea NOT NULL,
      note text NOT NULL,
      created_at text NOT NULL
    );
    CREATE TABLE data_keys (
      subject text PRIMARY KEY,
      wrapped bytea NOT NULL,
      added bigint GENERATED ALWAYS AS IDENTITY UNIQUE  -- to read only the keys added since
    );
    CREATE TABLE meta (
      key text PRIMARY KEY,
      value text NOT NULL
    );
    CREATE TABLE batches (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      source text NOT NULL,
      started_at text NOT NULL,
      finished_at text NOT NULL,
      records bigint NOT NULL,
      events bigint NOT NULL,
      duplicates bigint NOT NULL,
      rejected bigint NOT NULL,
      ledger_size bigint NOT NULL
    );
    CREATE TABLE findings (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      computed_at text NOT NULL,
      ledger_size bigint NOT NULL,
      events bigint NOT NULL,
      risk text NOT NULL,
      alerts text NOT NULL
    );
    CREATE INDEX directory_versions_record ON directory_versions (kind, key, leaf);
    `,
  ],
  [
    2,
    `
    -- The guard's working state (the truth is in the ledger; see the SQLite migration 3).
    CREATE TABLE approvals (
      id text COLLATE "C" PRIMARY KEY,
      requester text NOT NULL,
      action text NOT NULL,
      target_type text NOT NULL,
      target_id text NOT NULL,
      request text NOT NULL,
      sellers text NOT NULL,
      created_at text COLLATE "C" NOT NULL,
      expires_at text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'executed')),
      request_event text NOT NULL,
      decided_by text,
      decided_at text,
      executed_at text
    );
    CREATE INDEX approvals_status ON approvals (status, created_at);
    CREATE TABLE relay_aliases (
      seq bigint GENERATED ALWAYS AS IDENTITY,
      alias text NOT NULL,
      event_id text NOT NULL,
      viewer text NOT NULL,
      reviewer text NOT NULL,
      issued_at text COLLATE "C" NOT NULL,
      ticket text,
      UNIQUE (alias, event_id)
    );
    CREATE TABLE detector_state (
      id integer PRIMARY KEY CHECK (id = 1),
      ledger_size bigint NOT NULL,
      root_hash bytea NOT NULL,
      version text NOT NULL,
      events bigint NOT NULL,
      saved_at text NOT NULL,
      bytes bigint NOT NULL,
      chunks integer NOT NULL,
      sha256 bytea NOT NULL
    );
    CREATE TABLE detector_state_chunks (
      seq integer PRIMARY KEY,
      data bytea NOT NULL
    );
    CREATE TABLE policy_sets (
      hash text PRIMARY KEY,
      files text NOT NULL,
      created_at text NOT NULL
    );
    CREATE TABLE api_tokens (
      id text COLLATE "C" PRIMARY KEY,
      employee text NOT NULL,
      secret_hash bytea NOT NULL,
      created_at text COLLATE "C" NOT NULL,
      expires_at text,
      revoked_at text,
      event_id text NOT NULL
    );
    CREATE INDEX events_approval ON events (approval_id) WHERE approval_id IS NOT NULL;
    CREATE INDEX events_action ON events (action, leaf);
    `,
  ],
  [
    3,
    `
    -- Attribution (SQLite's migration 8): the sealed canary list, in planting order (each row
    -- opaque without the master key), and keyed hashes of reviewer e-mail addresses.
    CREATE TABLE attribution_canaries (
      seq bigint PRIMARY KEY,
      sealed text NOT NULL
    );
    CREATE TABLE reviewer_email_hashes (
      hash bytea NOT NULL,
      reviewer text COLLATE "C" NOT NULL,
      PRIMARY KEY (hash, reviewer)
    );
    `,
  ],
  [
    4,
    `
    -- Investigations (SQLite's migration 7): cases, their members and notes, alert triage,
    -- erasures waiting for a hold's release, suspended access, the outbox and appeals. Every
    -- change is also a ledgered event; these tables are the working index.
    CREATE TABLE cases (
      id text COLLATE "C" PRIMARY KEY,
      title text NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'closed')),
      assignee text,
      opened_by text NOT NULL,
      opened_at text COLLATE "C" NOT NULL,
      reveal_requested_by text,
      revealed_by text,
      revealed_at text,
      held_at text,
      held_by text,
      event_id text NOT NULL
    );
    CREATE INDEX cases_opened ON cases (opened_at DESC, id);
    CREATE TABLE case_members (
      case_id text COLLATE "C" NOT NULL,
      kind text COLLATE "C" NOT NULL CHECK (kind IN ('alert', 'employee', 'seller', 'reviewer')),
      ref text COLLATE "C" NOT NULL,
      detail text,
      added_at text COLLATE "C" NOT NULL,
      event_id text NOT NULL,
      PRIMARY KEY (case_id, kind, ref)
    );
    CREATE INDEX case_members_ref ON case_members (kind, ref, case_id);
    CREATE TABLE case_notes (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      case_id text NOT NULL,
      author text NOT NULL,
      text text NOT NULL,
      at text NOT NULL,
      event_id text NOT NULL
    );
    CREATE INDEX case_notes_case ON case_notes (case_id, id);
    CREATE TABLE alert_triage (
      alert_id text COLLATE "C" PRIMARY KEY,
      detector text NOT NULL,
      employee text NOT NULL,
      state text NOT NULL CHECK (state IN ('acknowledged', 'dismissed', 'escalated')),
      "by" text NOT NULL,
      at text NOT NULL,
      reason text,
      until text COLLATE "C",
      case_id text,
      event_id text NOT NULL
    );
    CREATE INDEX alert_triage_state ON alert_triage (state, until);
    CREATE TABLE erasure_requests (
      subject text COLLATE "C" PRIMARY KEY,
      requested_by text NOT NULL,
      requested_at text COLLATE "C" NOT NULL,
      event_id text NOT NULL
    );
    CREATE TABLE employee_access (
      employee text PRIMARY KEY,
      state text NOT NULL CHECK (state IN ('suspended', 'revoked')),
      event_id text NOT NULL
    );
    CREATE TABLE outbox (
      id text COLLATE "C" PRIMARY KEY,
      case_id text NOT NULL,
      measure text NOT NULL,
      payload text NOT NULL,
      created_at text COLLATE "C" NOT NULL,
      event_id text NOT NULL,
      delivered_at text,
      attempts integer NOT NULL DEFAULT 0,
      last_error text
    );
    CREATE INDEX outbox_pending ON outbox (delivered_at, created_at);
    CREATE TABLE appeals (
      id text PRIMARY KEY,
      case_id text NOT NULL,
      measure_event text NOT NULL,
      appellant text NOT NULL,
      grounds text NOT NULL,
      filed_by text NOT NULL,
      filed_at text NOT NULL,
      outcome text CHECK (outcome IN ('upheld', 'overturned')),
      decided_by text,
      decided_at text,
      decision text,
      event_id text NOT NULL
    );
    -- A case's timeline: every event of its subjects (as actor) and entities (as target).
    CREATE INDEX events_actor ON events (actor, leaf);
    CREATE INDEX events_target ON events (target_id, leaf);
    `,
  ],
  [
    5,
    `
    -- The detection state is held to a MAC under a key derived from the master key, not to a
    -- plain SHA-256 (SQLite's migration 9): states saved before are dropped (the next detect
    -- replays the whole ledger once). Its directory part, saved less often, has tables of its own.
    DELETE FROM detector_state;
    DELETE FROM detector_state_chunks;
    ALTER TABLE detector_state RENAME COLUMN sha256 TO mac;
    CREATE TABLE detector_directory (
      id integer PRIMARY KEY CHECK (id = 1),
      ledger_size bigint NOT NULL,
      bytes bigint NOT NULL,
      chunks integer NOT NULL,
      mac bytea NOT NULL
    );
    CREATE TABLE detector_directory_chunks (
      seq integer PRIMARY KEY,
      data bytea NOT NULL
    );
    `,
  ],
  [
    10,
    `
    -- A partition ledger fed from the event stream: each leaf's message (its sequence
    -- number in the stream, which orders every partition's records), written with the leaf.
    CREATE TABLE stream_positions (
      leaf bigint PRIMARY KEY,
      seq bigint NOT NULL
    );
    `,
  ],
];

/** The migrations' numbers, in the order they are applied. */
export const PG_SCHEMA_VERSIONS: readonly number[] = MIGRATIONS.map(([v]) => v);
export const PG_LATEST_SCHEMA_VERSION = Math.max(...PG_SCHEMA_VERSIONS);

/**
 * Creates the schema if need be and applies the migrations it lacks. Concurrent processes
 * take turns on an advisory lock per schema, so each migration is applied once.
 */
export async function migratePg(c: PgConnection, now: () => string): Promise<void> {
  const lock = `SELECT pg_advisory_xact_lock(hashtext('warden.migrate.' || $1))`;
  await inTransaction(c, async () => {
    await c.run(lock, [c.target.schema]);
    await c.run(`CREATE SCHEMA IF NOT EXISTS ${c.target.schema}`);
    await c.run(
      'CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at text NOT NULL)',
    );
  });
  for (const [version, sql] of MIGRATIONS) {
    try {
      await inTransaction(c, async () => {
        await c.run(lock, [c.target.schema]);
        const applied = await appliedVersions(c);
        refuseUnknown(applied, c.target.label);
        if (applied.has(version)) return;
        await c.run(sql);
        await c.run('INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)', [
          version,
          now(),
        ]);
      });
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError('MIGRATION_FAILED', `migration ${version} failed on ${c.target.label}`, {
        cause,
      });
    }
  }
}

/**
 * For a store opened read-only (never migrated): the schema must hold a Warden schema no
 * newer than this Warden knows.
 */
export async function checkPgSchema(c: PgConnection): Promise<void> {
  const exists = await c.value<string>("SELECT to_regclass('schema_version')::text");
  if (exists === undefined || exists === null) {
    throw new StoreError(
      'NOT_FOUND',
      `no Warden schema at ${c.target.label}: check --pg or WARDEN_PG_URL (this command never creates one)`,
    );
  }
  refuseUnknown(await appliedVersions(c), c.target.label);
}

/** Does the target's schema hold a migrated Warden store? */
export async function hasPgSchema(c: PgConnection): Promise<boolean> {
  const exists = await c.value<string>("SELECT to_regclass('schema_version')::text");
  if (exists === undefined || exists === null) return false;
  return (await appliedVersions(c)).size > 0;
}

async function appliedVersions(c: PgConnection): Promise<Set<number>> {
  return new Set(
    await c.arrays<[number]>('SELECT version FROM schema_version').then((r) => r.map(([v]) => v)),
  );
}

function refuseUnknown(applied: Set<number>, label: string): void {
  const unknown = [...applied].find((v) => !PG_SCHEMA_VERSIONS.includes(v));
  if (unknown !== undefined) {
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `${label} has schema version ${unknown}, which this Warden does not know (it knows ${PG_SCHEMA_VERSIONS.join(', ')}): upgrade Warden`,
    );
  }
}

/** Runs `f` between BEGIN and COMMIT on the connection, rolling back if it throws. */
export async function inTransaction<T>(c: PgConnection, f: () => Promise<T>): Promise<T> {
  await c.run('BEGIN');
  try {
    const result = await f();
    await c.run('COMMIT');
    return result;
  } catch (error) {
    await c.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
