import type { FastifyServerOptions } from 'fastify';
import type { TraceDeps } from '../attribute/index.js';
import type { CaseDeps } from '../cases/index.js';
import type { Alert, Severity } from '../domain/index.js';
import type { Ring, SellerBenefit } from '../detect/index.js';
import type { Guard } from '../guard/index.js';
import type { Ledger } from '../ledger/index.js';
import type { PersonalData, Vault } from '../privacy/index.js';
import type { Store, StoredFindings } from '../store/index.js';
import type { StreamPublisher } from '../stream/index.js';
import type { ApiAccess } from './access.js';
import type { JwtConfig } from './jwt.js';
import type { ReadSide } from './read-side.js';
import type { Serial } from './serial.js';

/**
 * Detection as the CLI runs it (`warden risk`, `alerts`, `sellers`, `explain`): brought up to
 * the ledger's end, its findings cached in the store. The same functions serve both. The port
 * queues its own work on the write queue (`ServerDeps.writes`), a slice of the replay at a
 * time so that writes are not held up behind it: call it outside the queue.
 */
export interface FindingsPort {
  findings(): Promise<StoredFindings>;
  /** Alerts at or above `floor`, in event-time order (as `warden alerts`). */
  alerts(floor: Severity): Promise<{ ledgerSize: number; alerts: Alert[] }>;
  sellers(): Promise<{ ledgerSize: number; sellers: SellerBenefit[] }>;
  rings(): Promise<{ ledgerSize: number; rings: Ring[] }>;
  /** `warden explain --json`'s object; undefined when the employee is not in the directory. */
  explain(employeeId: string): Promise<object | undefined>;
  /**
   * Brings detection up to the ledger's end and stores it, before the server listens (so the
   * first view reads it ready); `warden serve` calls it.
   */
  warmUp?(): Promise<void>;
  /** Stores what the port holds unsaved (detection's state: a cache); the app calls it on close. */
  close?(): Promise<void>;
}

/** Limits of the HTTP edge. */
export interface Limits {
  /** Bytes of a JSON body. */
  readonly jsonBody: number;
  /** Bytes of an ingest body as sent, and (gzipped) as inflated. */
  readonly ingestBody: number;
  /** Requests per caller per minute. */
  readonly perMinute: number;
  /** Failed authentications per client address per minute. */
  readonly authFailuresPerMinute: number;
}

export const DEFAULT_LIMITS: Limits = {
  jsonBody: 1024 * 1024,
  ingestBody: 512 * 1024 * 1024,
  perMinute: 6000,
  authFailuresPerMinute: 120,
};

/** Everything the server needs, built by its caller (`warden serve`, tests) in one place. */
export interface ServerDeps {
  /** The writing connection: ingest, the guard, the detection cache (one at a time). */
  readonly store: Store;
  readonly ledger: Ledger;
  readonly vault: Vault;
  readonly guard: Guard;
  readonly personalData: PersonalData;
  /** The read-only connection: authentication, approvals, the ledger's checkpoints and proofs. */
  readonly reader: ReadSide;
  readonly findings: FindingsPort;
  /** The one write queue, shared with the findings port; absent: the app makes its own. */
  readonly writes?: Serial;
  /** The cases context over the writing connection: triage, cases, measures (as the CLI's). */
  readonly cases: CaseDeps;
  /** Leak attribution over the writing connection (the vault's and the relay's keys). */
  readonly attribution: TraceDeps;
  /** The key exports are fingerprinted and traced with (`fingerprintKey`), read when needed. */
  readonly exportKey: () => Buffer;
  readonly access: ApiAccess;
  /** When set, JWTs from this issuer are accepted beside API tokens. */
  readonly jwt?: JwtConfig;
  readonly now: () => string;
  readonly limits?: Partial<Limits>;
  /**
   * Publish mode (`warden serve --publish`): `POST /v1/ingest` validates a batch as an import
   * would, then publishes it to this stream instead of importing it. Its caller closes it,
   * after the app (`close` waits for the publishes in flight and drains the connection).
   */
  readonly publisher?: StreamPublisher;
  /** The built web console (`dist/web`), served at `/` when set. */
  readonly consoleDir?: string;
  /** pino options (or false); the default logs one line per request, without personal data. */
  readonly logger?: FastifyServerOptions['logger'];
}
