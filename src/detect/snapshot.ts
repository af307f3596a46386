/**
 * The detection engine's state as bytes, and back: what lets `warden detect` resume from where
 * it stopped instead of replaying the ledger. The walk is generic — whatever the engine holds
 * is saved, as long as it is data — so the engine can change without this file knowing its
 * fields; only its classes must be listed below. Pure: bytes in, bytes out, no I/O.
 */
import { deserialize, serialize } from 'node:v8';
import { AlertBook, Windows } from './alert-book.js';
import { BipartiteGraph } from './bipartite-graph.js';
import { CollusionGraph } from './collusion.js';
import { ContextTies } from './context-ties.js';
import { Detectors } from './detectors.js';
import { DirectoryView } from './directory-view.js';
import { DetectionEngine } from './engine.js';
import { SnapshotError } from './errors.js';
import { Habits } from './habits.js';
import { PeerNorms } from './peers.js';
import { DetractorDays } from './detractor-days.js';
import { SellerEdges } from './seller-edges.js';
import { SellerLedger } from './sellers.js';
import { TapeReader } from './snapshot-decode.js';
import { TapeWriter } from './snapshot-encode.js';
import { TAPE_FORMAT, type ClassRegistry, type Tape } from './snapshot-format.js';
import { VolumeBaselines } from './volumes.js';

/**
 * Every class whose instances the engine's state may hold, by a stable name. A class missing
 * here makes the snapshot fail, naming where the instance sits: add it here.
 */
export const ENGINE_CLASSES: ClassRegistry = {
  DetectionEngine,
  DirectoryView,
  PeerNorms,
  DetractorDays,
  Habits,
  VolumeBaselines,
  CollusionGraph,
  BipartiteGraph,
  SellerEdges,
  ContextTies,
  Detectors,
  AlertBook,
  Windows,
  SellerLedger,
};

/**
 * What a stored state must match to be resumed: the tape's format, the registry's class
 * names and the V8 that wrote it. Code and parameter changes are the caller's to add (the CLI
 * hashes the detection code and the configuration that shapes detection).
 */
export const SNAPSHOT_VERSION = `tape ${TAPE_FORMAT}; classes ${Object.keys(ENGINE_CLASSES).join(',')}; v8 ${process.versions.v8}`;

/** The engine's whole state as bytes; throws `SnapshotError('NOT_SNAPSHOTTABLE')` naming a path. */
export function snapshotEngine(engine: DetectionEngine): Buffer {
  return serialize(TapeWriter.write(engine, ENGINE_CLASSES, 'engine'));
}

/** The engine `snapshotEngine` saved, ready to consume the records after those it had seen. */
export function restoreEngine(bytes: Uint8Array): DetectionEngine {
  let tape: Tape;
  try {
    tape = deserialize(bytes) as Tape;
  } catch (cause) {
    throw new SnapshotError('CORRUPT', 'the detection state does not decode', { cause });
  }
  const engine = TapeReader.read(tape, ENGINE_CLASSES);
  if (!(engine instanceof DetectionEngine))
    throw new SnapshotError('CORRUPT', 'the detection state is not an engine');
  return engine;
}
