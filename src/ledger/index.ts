export { LedgerError } from './errors.js';
export type { LedgerErrorCode } from './errors.js';
export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash } from './hash.js';
export { verifyConsistency, verifyInclusion, rootFromInclusionProof } from './verify.js';
export { consistencyProof, inclusionProof, treeRoot } from './proofs.js';
export type { NodeReader } from './proofs.js';
export { TILE_HEIGHT, TILE_WIDTH } from './tiles.js';
export type { Tile, TileLoader } from './tiles.js';
export { TileWriter } from './tile-writer.js';
export { TileReader } from './tile-reader.js';
export {
  generateSignerKey,
  parseSignerKey,
  parseSignerKeyName,
  parseVerifierKey,
  verifierKeyFromSigner,
  ecdsaP256Verifier,
} from './note-keys.js';
export type { NoteSigner, NoteVerifier } from './note-keys.js';
export { openNote, signNote } from './signed-note.js';
export type { NoteSignature, OpenedNote } from './signed-note.js';
export { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
export type { Checkpoint } from './checkpoint.js';
export { encodeLeafData, encodeLeafText, recordLeafHash } from './leaf.js';
export { canonicalEventLine, canonicalJson } from './canonical.js';
export { Ledger } from './log.js';
export { verifyLedger } from './verify-log.js';
export type { VerifyProblem, VerifyReport } from './verify-log.js';
