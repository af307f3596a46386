import type { PersonalDataDeclaration } from '../privacy/index.js';

/**
 * A chunk's directory records for the sealing thread, in file order: each as its interchange
 * line (the line the fast path read whole, or the validated record written out) with its kind; and the data keys the
 * main thread handed out for them (it owns the vault: lookups, creation, storage).
 */
export interface SealRequest {
  readonly id: number;
  readonly personal: PersonalDataDeclaration;
  readonly kinds: readonly string[];
  readonly texts: readonly string[];
  readonly subjects: readonly string[];
  /** 32 bytes per subject, in the order of `subjects`. */
  readonly keys: Uint8Array;
  /** 1 for a subject whose key is new: the thread wraps it under `masterKey`. */
  readonly fresh: Uint8Array;
  readonly masterKey: Uint8Array;
  /**
   * The key of the reviewer address index (`EmailHashes#keyForThread`), when the import keeps
   * it: the thread hashes each reviewer's address as it seals it.
   */
  readonly emailKey?: Uint8Array;
}

/** Per record, in order: its stored payload, and its leaf hash (32 bytes each, packed). */
export interface SealReply {
  readonly id: number;
  readonly error?: string;
  readonly payloads?: string[];
  readonly hashes?: Uint8Array;
  /** The new keys' wrappings (`WRAPPED_BYTES` each), in the order of their subjects. */
  readonly wrapped?: Uint8Array;
  /** With `emailKey`: per record, 32 bytes, its address's keyed hash (zeros for non-reviewers). */
  readonly emailHashes?: Uint8Array;
}

/** A wrapped data key: IV (12) ‖ ciphertext (32) ‖ tag (16). */
export const WRAPPED_BYTES = 60;
