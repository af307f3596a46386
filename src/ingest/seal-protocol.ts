import type { PersonalDataDeclaration } from '../privacy/index.js';

/** Per held record sealed, in order: its stored payload, and its leaf hash (32 bytes each, packed). */
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

/**
 * A chunk's directory lines to parse and check on the sealing thread (`parseRecord`, the same
 * function as in the main thread), in file order. Records that need no data key are sealed
 * (encoded) at once; the others are held until the main thread sends their keys
 * (`SealHeldRequest`), or the batch ends (`DropRequest`). `batch` numbers the import.
 */
export interface ParseRequest {
  readonly type: 'parse';
  readonly id: number;
  readonly batch: number;
  readonly personal: PersonalDataDeclaration;
  readonly texts: readonly string[];
}

/** What a line parsed to (`ParseReply.status`). */
export const PARSED = { encoded: 0, held: 1, event: 2, rejected: 3 } as const;

/**
 * Per line, in order: `status` (`PARSED`); for a directory record its `kinds`, `keys`,
 * `subjects` (the data key its sealing needs, held records only), `refs` (`directoryRefs`) and
 * whether the line's value is the record (`fast`: 1); for an encoded one its payload and leaf
 * hash (32 bytes each, packed; zeros for the others); for a rejected one its rejection.
 */
export interface ParseReply {
  readonly id: number;
  readonly error?: string;
  readonly status?: Uint8Array;
  readonly kinds?: string[];
  readonly keys?: string[];
  readonly subjects?: string[];
  readonly fast?: Uint8Array;
  readonly refs?: (number | string)[][];
  readonly payloads?: string[];
  readonly hashes?: Uint8Array;
  readonly rejections?: (RejectionReply | null)[];
}

export interface RejectionReply {
  readonly code: string;
  readonly field?: string;
  readonly value?: string;
  readonly message: string;
}

/**
 * Seals the records held from parse request `chunk`, but for those at `skip` (indexes among the
 * held records, which the main thread seals itself), with the data keys handed out for them.
 */
export interface SealHeldRequest {
  readonly type: 'seal';
  readonly id: number;
  /** The parse request whose held records these are. */
  readonly chunk: number;
  readonly batch: number;
  readonly skip: readonly number[];
  readonly subjects: readonly string[];
  readonly keys: Uint8Array;
  readonly fresh: Uint8Array;
  readonly masterKey: Uint8Array;
  readonly emailKey?: Uint8Array;
}

/** The batch ended (committed, refused or failed): records it left held are dropped. */
export interface DropRequest {
  readonly type: 'drop';
  readonly batch: number;
}

/**
 * The directory records of a chunk the main thread parsed itself (`kinds[i]`, `keys[i]`): the
 * thread counts them among the batch's records, as those it parses (see `Names`).
 */
export interface DefineRequest {
  readonly type: 'define';
  readonly batch: number;
  readonly kinds: readonly string[];
  readonly keys: readonly string[];
}
