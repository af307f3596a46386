import { parentPort, workerData } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import {
  PersonalData,
  emailHashWithKey,
  sealWithKey,
  wrapDataKey,
  type Sealer,
} from '../privacy/index.js';
import { classifyLine } from './classify-line.js';
import { FROM_KIND_INDEX, directoryRefs, namedKindIndex } from './references.js';
import {
  PARSED,
  WRAPPED_BYTES,
  type DefineRequest,
  type DropRequest,
  type ParseReply,
  type ParseRequest,
  type RejectionReply,
  type SealHeldRequest,
  type SealReply,
} from './seal-protocol.js';
import { encodeDirectory, reviewerEmail } from './seal-record.js';

type Body = Record<string, unknown>;

/**
 * The sealing thread: parses and checks a chunk's directory lines (`parseRecord`, as the main
 * thread would), encodes the records that need no data key at once, and seals the others
 * with the data keys the main thread sends for them (it owns the vault). Pure: no I/O but its
 * port; the keys live only as long as their chunk.
 */
parentPort?.on('message', (m: ParseRequest | SealHeldRequest | DropRequest | DefineRequest) => {
  if (m.type === 'define') {
    for (let i = 0; i < m.keys.length; i++) define(m.batch, m.kinds[i]!, m.keys[i]!);
    return;
  }
  if (m.type === 'drop') {
    // a batch that ended, perhaps before sealing what it had sent
    for (const [id, h] of held) if (h.batch === m.batch) held.delete(id);
    names.delete(m.batch);
    return;
  }
  try {
    if (m.type === 'parse') {
      let reply: ParseReply;
      try {
        reply = parseLines(m);
      } finally {
        Atomics.add(linesDone, 0, m.texts.length - counted); // the rest: parsed, or given up
      }
      parentPort?.postMessage(reply, [reply.hashes!.buffer as ArrayBuffer]);
    } else {
      const reply = sealHeld(m);
      const transfer = [reply.hashes, reply.wrapped, reply.emailHashes].map(
        (a) => a!.buffer as ArrayBuffer,
      );
      parentPort?.postMessage(reply, transfer);
    }
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});

// Lines parsed, shared with the main thread (which parses a chunk itself when this thread is
// behind): counted 64 at a time.
const linesDone = new Int32Array((workerData as { linesDone: SharedArrayBuffer }).linesDone);
/** Of the request being parsed, the lines counted so far. */
let counted = 0;

/** Records parsed and waiting for their data keys, per parse request. */
const held = new Map<
  number,
  { batch: number; personal: PersonalData; kinds: string[]; bodies: Body[] }
>();

const NO_KEYS: Sealer = {
  seal(subject) {
    throw new Error(`no data key was sent for ${subject}`);
  },
};

function parseLines(m: ParseRequest): ParseReply {
  counted = 0;
  const personal = new PersonalData(m.personal);
  const n = m.texts.length;
  const status = new Uint8Array(n);
  const fast = new Uint8Array(n);
  const hashes = new Uint8Array(n * 32);
  const kinds: string[] = [];
  const keys: string[] = [];
  const subjects: string[] = [];
  const refs: (number | string)[][] = [];
  const payloads: string[] = [];
  const rejections: (RejectionReply | null)[] = [];
  const heldKinds: string[] = [];
  const heldBodies: Body[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 64 === 63) {
      Atomics.add(linesDone, 0, 64);
      counted += 64;
    }
    const line = classifyLine(m.texts[i]!, personal);
    let kind = '';
    let key = '';
    let subject = '';
    let named: (number | string)[] = NONE;
    let payload = '';
    let rejection: RejectionReply | null = null;
    status[i] = line.status;
    if (line.status === PARSED.rejected) rejection = line.rejection;
    else if (line.status === PARSED.held) {
      const body = line.record.body as unknown as Body;
      ({ kind, key } = line);
      named = newRefs(m.batch, directoryRefs(line.record));
      define(m.batch, kind, key);
      fast[i] = line.fast;
      const needs = line.subject;
      if (needs === undefined) {
        const encoded = encodeDirectory(kind, body, NO_KEYS, personal);
        payload = encoded.payload;
        hashes.set(encoded.leafHash, i * 32);
        status[i] = PARSED.encoded;
      } else {
        subject = needs;
        heldKinds.push(kind);
        heldBodies.push(body);
      }
    }
    kinds.push(kind);
    keys.push(key);
    subjects.push(subject);
    refs.push(named);
    payloads.push(payload);
    rejections.push(rejection);
  }
  if (heldBodies.length > 0)
    held.set(m.id, { batch: m.batch, personal, kinds: heldKinds, bodies: heldBodies });
  return { id: m.id, status, kinds, keys, subjects, fast, refs, payloads, hashes, rejections };
}

const NONE: (number | string)[] = [];

/**
 * Per batch, what it named and what it holds, per kind named (by the kind's number in
 * `FROM_KIND_INDEX`: one set per kind, so that an id is looked for as it is, not in a string
 * made for the purpose), each part bounded:
 *
 * - `named`: the ids its directory records named already. The main thread keeps the first
 *   line that named each id, so a later naming changes nothing there and need not cross (a
 *   directory names the same products, sellers and reviewers over and over). Emptied when
 *   full: an id sent twice is harmless.
 * - `defined`: the keys of the records of those kinds that this thread parsed, and those of
 *   the chunks the main thread parsed itself (`DefineRequest`, sent before the next chunk). An
 *   id among them exists by the end of the batch (its record is written, or the batch is
 *   refused whole), so a naming of it cannot dangle and need not cross, nor be looked up in
 *   the store. Emptied when full: an id missing here is named as before, and checked at the
 *   end of the batch.
 */
class Names {
  named: Set<string>[] = [];
  namedCount = 0;
  defined: Set<string>[] = [];
  definedCount = 0;
}
const names = new Map<number, Names>();
const NAMED_KEPT = 200_000;
const DEFINED_KEPT = 1_000_000;

function namesOf(batch: number): Names {
  let n = names.get(batch);
  if (!n) {
    n = new Names();
    names.set(batch, n);
  }
  return n;
}

function define(batch: number, kind: string, key: string): void {
  const k = namedKindIndex(kind);
  if (k < 0) return;
  const n = namesOf(batch);
  if (n.definedCount >= DEFINED_KEPT) {
    n.defined = [];
    n.definedCount = 0;
  }
  const keys = (n.defined[k] ??= new Set());
  if (!keys.has(key)) {
    keys.add(key);
    n.definedCount++;
  }
}

function newRefs(batch: number, refs: (number | string)[]): (number | string)[] {
  if (refs.length === 0) return refs;
  const n = namesOf(batch);
  if (n.namedCount >= NAMED_KEPT) {
    n.named = [];
    n.namedCount = 0;
  }
  let out: (number | string)[] | undefined;
  for (let i = 0; i < refs.length; i += 2) {
    const k = FROM_KIND_INDEX[refs[i] as number]!;
    const id = refs[i + 1] as string;
    const seen = (n.named[k] ??= new Set());
    if (seen.has(id) || n.defined[k]?.has(id) === true) {
      out ??= refs.slice(0, i);
      continue;
    }
    seen.add(id);
    n.namedCount++;
    out?.push(refs[i]!, refs[i + 1]!);
  }
  return out ?? refs;
}

function sealHeld(m: SealHeldRequest): SealReply {
  const h = held.get(m.chunk);
  held.delete(m.chunk);
  if (h === undefined) throw new Error(`no records are held for chunk ${m.chunk}`);
  const keys = new Map<string, Buffer>();
  m.subjects.forEach((s, i) =>
    keys.set(s, Buffer.from(m.keys.buffer, m.keys.byteOffset + i * 32, 32)),
  );
  const sealer: Sealer = {
    seal(subject, field, plaintext) {
      const key = keys.get(subject);
      if (key === undefined) throw new Error(`no data key was sent for ${subject}`);
      return sealWithKey(key, subject, field, plaintext);
    },
  };
  const skip = new Set(m.skip);
  const n = h.bodies.length - skip.size;
  const emailKey = m.emailKey && Buffer.from(m.emailKey);
  const payloads: string[] = [];
  const hashes = new Uint8Array(n * 32);
  const emailHashes = new Uint8Array(emailKey ? n * 32 : 0);
  let j = 0;
  for (let i = 0; i < h.bodies.length; i++) {
    if (skip.has(i)) continue;
    const kind = h.kinds[i]!;
    const body = h.bodies[i]!;
    const address = emailKey && reviewerEmail(kind, body);
    if (address !== undefined) emailHashes.set(emailHashWithKey(emailKey!, address), j * 32);
    const { payload, leafHash } = encodeDirectory(kind, body, sealer, h.personal);
    payloads.push(payload);
    hashes.set(leafHash, j * 32);
    j++;
  }
  return { id: m.id, payloads, hashes, wrapped: wrapFresh(m), emailHashes };
}

/** The new keys wrapped under the master key, each with a fresh random IV. */
function wrapFresh(m: SealHeldRequest): Uint8Array {
  const master = Buffer.from(m.masterKey);
  const count = m.fresh.reduce((n, f) => n + f, 0);
  const ivs = randomBytes(12 * count);
  const out = new Uint8Array(count * WRAPPED_BYTES);
  let j = 0;
  m.subjects.forEach((subject, i) => {
    if (m.fresh[i] !== 1) return;
    const key = Buffer.from(m.keys.buffer, m.keys.byteOffset + i * 32, 32);
    out.set(
      wrapDataKey(master, subject, key, ivs.subarray(j * 12, j * 12 + 12)),
      j * WRAPPED_BYTES,
    );
    j++;
  });
  return out;
}
