import type { OrgProfile } from '../../detect/index.js';
import type { StoredFindings } from '../../store/index.js';

/**
 * What a detection run's engine thread (`detect-engine-thread.ts`) and its worker
 * (`detect-engine-worker.ts`) say to each other; apart, so that neither loads the other.
 */

/**
 * What a run is given before its engine is made or resumed, read on the command's thread (the
 * org profile file, the sealed canary list through the vault): the profile, the canaries' keys
 * and the version of the state it resumes and saves.
 */
export interface DetectionInputs {
  readonly profile: OrgProfile;
  readonly canaries: readonly string[];
  readonly version: string;
}

/**
 * What the worker runs with: its own connection's file and page limit, the name errors
 * give the database, the state's MAC key (derived; no master key crosses), the ledger's size
 * as the command opened it, and the run's inputs.
 */
export interface EngineWorkerData {
  readonly path: string;
  readonly dbPath: string;
  readonly maxPages?: number;
  readonly stateKey: Uint8Array;
  readonly size: number;
  readonly full: boolean;
  readonly inputs: DetectionInputs;
  /** The command's thread shows the feed's progress (its stderr is a terminal: `recordsBar`). */
  readonly progress: boolean;
}

/** The worker's first message: its run (the worker may be started before it is known). */
export interface EngineStart {
  readonly start: EngineWorkerData;
}

/**
 * An error crossing from the worker: its class's name, code and message (a thread passes an
 * error's message, not its class), from which the command's thread makes the typed error again.
 */
export interface ThreadFault {
  readonly kind: 'warden' | 'usage' | 'other';
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/**
 * A part of the engine's state to save, made at `ledgerSize` leaves: the directory part, or the
 * rest (`events` consumed; `kept`: the stored directory part it goes with, when no directory
 * part was sent) and the run's findings, stored with it. The command's thread seals and stores
 * it (`StateFromParts`).
 */
export type StatePart =
  | {
      readonly part: 'directory';
      readonly ledgerSize: number;
      readonly version: string;
      readonly data: Uint8Array;
    }
  | {
      readonly part: 'rest';
      readonly ledgerSize: number;
      readonly version: string;
      readonly events: number;
      readonly data: Uint8Array;
      readonly findings: StoredFindings;
      readonly kept?: { readonly ledgerSize: number; readonly mac: Uint8Array };
    };

/**
 * What the worker says: the note of a state not resumed, the feed's progress (a total, then
 * leaves done, then its end), a request for the ledger's root at a size (the command's ledger
 * answers: `EngineReply`), the parts of the state to save, and last the findings stored, or the
 * failure.
 */
export type EngineMessage =
  | { readonly note: string }
  | { readonly barTotal: number }
  | { readonly barAt: number }
  | { readonly barStop: true }
  | { readonly rootAt: number }
  | { readonly save: StatePart }
  | { readonly stored: StoredFindings; readonly resumedAt: number }
  | { readonly fault: ThreadFault };

/** The root asked for, or word that it failed (the command keeps that error to report). */
export type EngineReply = { readonly root: Uint8Array } | { readonly rootFailed: true };
