// Merkle log core: RFC 9162 hashing, proofs and verification, tiles, C2SP notes/checkpoints.
export { LedgerError } from './errors.js';
export type { LedgerErrorCode } from './errors.js';
export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash } from './hash.js';
export { verifyConsistency, verifyInclusion, rootFromInclusionProof } from './verify.js';
export { consistencyProof, inclusionProof, treeRoot } from './proofs.js';
export type { NodeReader } from './proofs.js';
export { FULL_TILE_HASHES, TILE_HEIGHT, TILE_WIDTH, offsetInTile, tileWidth } from './tiles.js';
export type { Tile, TileLoader } from './tiles.js';
export { TileWriter } from './tile-writer.js';
export { TileReader } from './tile-reader.js';
export {
  generateSignerKey,
  parseSignerKey,
  parseSignerKeyName,
  parseVerifierKey,
  verifierKeyFromSigner,
} from './note-keys.js';
export type { NoteSigner, NoteVerifier } from './note-keys.js';
export { ecdsaP256Verifier } from './ecdsa-verifier.js';
export { formatKeyId } from './note-encoding.js';
export { openNote, signNote } from './signed-note.js';
export type { NoteSignature, OpenedNote } from './signed-note.js';
export {
  checkpointTreeSize,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
} from './checkpoint.js';
export type { Checkpoint, CheckpointInput, OpenedCheckpoint } from './checkpoint.js';
// The log over the store (log.ts, leaf.ts, canonical.ts, verify-log.ts).
export {
  encodeLeafData,
  encodeLeafText,
  recordLeafHash,
  leafHashOfText,
  leafSourceHash,
  directoryLeafSource,
} from './leaf.js';
export type { LeafSource } from './leaf.js';
export { canonicalEventLine, canonicalJson } from './canonical.js';
export { Ledger } from './log.js';
export { verifyLedger } from './verify-log.js';
export type { VerifyProblem, VerifyReport } from './verify-log.js';
