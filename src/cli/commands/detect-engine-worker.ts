import { parentPort } from 'node:worker_threads';
import { snapshotDirectory, snapshotEngine } from '../../detect/index.js';
import { formatTime } from '../../domain/index.js';
import { SqliteStore, sqliteFault } from '../../store/index.js';
import { QUIET, throttled, type Progress } from '../progress.js';
import { detectionFrom, resumeDetection, type StateSaver } from './detect-run.js';
import type {
  EngineMessage,
  EngineReply,
  EngineStart,
  EngineWorkerData,
  StatePart,
} from './detect-engine-protocol.js';
import { threadFault } from './detect-engine-thread.js';
import { savesDirectory, type DetectionWiring } from './detect-state.js';

/**
 * A detection run's worker (`detectInThread`): opens the SQLite file given (for writing: it
 * stores the findings), runs the detection as `runDetection` does, with the inputs read on the
 * command's thread, hands the command's thread the engine's state to store (`postState`), and
 * answers the findings stored, or the failure (a SQLite failure as the store's typed error,
 * named as the command names the database).
 */
const port = parentPort!;
const post = (m: EngineMessage): void => port.postMessage(m);

// The first message is the run (the worker may be started before the run is known: its modules
// load meanwhile); then the command's ledger answers for its roots, in the order asked.
// Listening keeps this thread alive to the end: the command's thread stops it once it has the
// answer.
const asked: ((reply: EngineReply) => void)[] = [];
let started: ((data: EngineWorkerData) => void) | undefined;
const data = await new Promise<EngineWorkerData>((resolve) => {
  started = resolve;
  port.on('message', (m: EngineStart | EngineReply) => {
    if (started === undefined) asked.shift()?.(m as EngineReply);
    else {
      started((m as EngineStart).start);
      started = undefined;
    }
  });
});

function rootAt(size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    asked.push((reply) =>
      'root' in reply
        ? resolve(Buffer.from(reply.root.buffer, reply.root.byteOffset, reply.root.byteLength))
        : reject(new Error(`the ledger's root at ${size} leaves could not be read`)),
    );
    post({ rootAt: size });
  });
}

/**
 * The engine's state and the run's findings, saved by the command's thread (`StateFromParts`):
 * the directory part first, whose storing there runs while this thread computes the findings
 * and makes the rest, then the rest with the findings (one transaction there).
 */
const postState: StateSaver = async (findings, _w, { engine, version, size, kept, built }) => {
  const resaved = savesDirectory(size, kept);
  if (resaved) {
    const data = (await built) ?? snapshotDirectory(engine);
    postPart({ part: 'directory', ledgerSize: size, version, data });
  }
  const stored = findings();
  postPart({
    part: 'rest',
    ledgerSize: size,
    version,
    events: engine.events,
    data: snapshotEngine(engine),
    findings: stored,
    ...(resaved || kept === undefined ? {} : { kept }),
  });
  return stored;
};

/** A part posted, its bytes moved rather than copied when they have a buffer of their own. */
function postPart(part: StatePart): void {
  const { buffer, byteOffset, byteLength } = part.data;
  const own = byteOffset === 0 && byteLength === buffer.byteLength && buffer instanceof ArrayBuffer;
  const data = own ? part.data : new Uint8Array(part.data);
  port.postMessage({ save: { ...part, data } } satisfies EngineMessage, [
    data.buffer as ArrayBuffer,
  ]);
}

/**
 * The feed's progress, shown by the command's thread (a worker has no terminal) when it shows
 * one (`EngineWorkerData.progress`): each update is a message that wakes that thread, so a
 * run sends about 200 (a part of the feed is one update: ~1,000 at the large preset), and
 * none when there is no bar to move.
 */
function progress(total: number): Progress {
  if (!data.progress) return QUIET;
  post({ barTotal: total });
  const bar = {
    update: (done: number) => post({ barAt: done }),
    stop: () => post({ barStop: true }),
  };
  return throttled(bar, total, Math.max(1, Math.floor(total / 200)));
}

async function detect(store: SqliteStore): Promise<EngineMessage> {
  const w: DetectionWiring = {
    dbPath: data.dbPath,
    store,
    stateKey: Buffer.from(data.stateKey),
    now: () => formatTime(Date.now()),
    ledger: { size: data.size, rootAt },
  };
  const io = { err: (note: string): void => post({ note }) };
  const start = (): ReturnType<typeof resumeDetection> =>
    resumeDetection(w, data.inputs, data.full, io);
  const { stored, resumedAt } = await detectionFrom(w, false, start, progress, postState);
  return { stored, resumedAt };
}

async function run(): Promise<EngineMessage> {
  let store: SqliteStore | undefined;
  try {
    store = SqliteStore.open(data.path, {
      mustExist: true,
      ...(data.maxPages === undefined ? {} : { maxPages: data.maxPages }),
    });
    return await detect(store);
  } catch (error) {
    return { fault: threadFault(sqliteFault(error, data.dbPath) ?? error) };
  } finally {
    await store?.close();
  }
}

post(await run());
