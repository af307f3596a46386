// Merkle log core: RFC 9162 hashing, proofs and verification, tiles, C2SP notes/checkpoints.
export { CheckpointLogError, LedgerError, WitnessError } from './errors.js';
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
  hashedLeafSource,
} from './leaf.js';
export type { LeafSource } from './leaf.js';
export {
  canonicalDirectory,
  canonicalDirectoryLine,
  canonicalEventLine,
  canonicalJson,
} from './canonical.js';
export { Ledger } from './log.js';
export { verifyLedger } from './verify-log.js';
export type {
  VerifyOptions,
  VerifyProblem,
  VerifyProblemCode,
  VerifyReport,
} from './verify-log.js';
// Checkpoints outside the database, their verification, and witnessing.
export { publishCheckpoint } from './checkpoint-sink.js';
export type { CheckpointSink } from './checkpoint-sink.js';
export { DirectoryCheckpointSink, FileCheckpointSink } from './checkpoint-file-sink.js';
export { HttpCheckpointSink } from './checkpoint-http-sink.js';
export { parseCheckpointLog } from './checkpoint-log.js';
export type { CheckpointLogEntry } from './checkpoint-log.js';
export { verifyAgainst } from './verify-against.js';
export type { AgainstOptions, AgainstReport, TreeView } from './verify-against.js';
export { formatCosignatureLine, parseCosignature } from './cosignature.js';
export type { Cosignature } from './cosignature.js';
export {
  countCosignatures,
  generateCosignerKey,
  parseCosignerKey,
  parseCosignerVerifierKey,
} from './cosigner-keys.js';
export type { Cosigner } from './cosigner-keys.js';
export { formatAddCheckpoint, parseAddCheckpoint } from './witness-request.js';
export type { AddCheckpointRequest } from './witness-request.js';
export { addCheckpoint } from './witness.js';
export type { Cosigned, WitnessedLog } from './witness.js';
export { WitnessDir } from './witness-dir.js';
export { witnessHandler } from './witness-http.js';
export { storedTree } from './stored-tree.js';
