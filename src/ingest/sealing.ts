import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EmailHashes, PersonalData, Vault } from '../privacy/index.js';
import { WRAPPED_BYTES, type SealReply, type SealRequest } from './seal-protocol.js';
import { encodeDirectory, keySubject, reviewerEmail } from './seal-record.js';

/** A directory record to seal: its kind, its validated body, and its JSON text. */
export interface ToSeal {
  readonly kind: string;
  readonly body: Record<string, unknown>;
  /**
   * The record's interchange line: the line itself when the fast path read it whole, or
   * `{ "v": 1, "kind": …, …body }` as JSON: the same value.
   */
  readonly text: string;
}

/**
 * A chunk sealed: per record, in order, its payload and its leaf hash (32 bytes each); and the
 * data keys it created, wrapped, for the caller to store when it writes the chunk. With an
 * `EmailHashes`, also per record 32 bytes: a reviewer's address hash (zeros for other kinds);
 * without one, `emailHashes` is empty.
 */
export interface SealedChunk {
  readonly payloads: readonly string[];
  readonly hashes: Uint8Array;
  readonly newKeys: readonly (readonly [subject: string, wrapped: Buffer])[];
  readonly emailHashes: Uint8Array;
}

/**
 * Seals a chunk's directory records and encodes their payloads and leaves, on the sealing
 * thread when the compiled worker exists (in this thread otherwise: the same functions). The
 * data keys are taken here, in order, before the chunk leaves (the vault creates and stores a
 * new person's key in the caller's transaction), so the result does not depend on the thread.
 * Reviewer addresses are hashed for `emailHashes` (when given) in the same pass, before they
 * are sealed.
 *
 * A chunk heavy with people (sealing costs about twice what this thread spends on a line) is
 * shared: this thread seals part of its people itself while the sealing thread seals the rest
 * (`sharedHere`), so that neither waits long for the other. `chunkLines` is the number of
 * records in the chunk, events included (what this thread has to write besides).
 */
export function sealChunk(
  items: readonly ToSeal[],
  vault: Vault,
  personal: PersonalData,
  emailHashes?: EmailHashes,
  chunkLines = items.length,
): Promise<SealedChunk> {
  if (items.length === 0)
    return Promise.resolve({
      payloads: [],
      hashes: new Uint8Array(),
      newKeys: [],
      emailHashes: new Uint8Array(),
    });
  // a few records cost less here than starting the thread (a small import, one guard record);
  // once it runs, it takes every chunk (a chunk of events with a few records between them
  // would otherwise be sealed here, on the thread that writes)
  if ((items.length < THREAD_FROM && shared === undefined) || !existsSync(WORKER_FILE)) {
    return settle(() => sealInline(items, vault, personal, emailHashes));
  }
  const subjects = items.map(({ kind, body }) => keySubject(kind, body, personal));
  const here = sharedHere(subjects, chunkLines);
  if (here.size === items.length)
    return settle(() => sealInline(items, vault, personal, emailHashes));
  const sent = here.size === 0 ? items : items.filter((_, i) => !here.has(i));
  const fromThread = sealThread().request(
    threadRequest(
      sent,
      here.size === 0 ? subjects : subjects.filter((_, i) => !here.has(i)),
      vault,
      personal,
      emailHashes,
    ),
    sent.length,
  );
  if (here.size === 0) return fromThread;
  // the keys of the people sent are handed out above, before these are sealed: a person in
  // both parts gets one key
  const local = settle(() =>
    sealInline(
      items.filter((_, i) => here.has(i)),
      vault,
      personal,
      emailHashes,
    ),
  );
  return Promise.all([fromThread, local]).then(([t, l]) => merge(items.length, here, t, l));
}

/**
 * Costs in lines of this thread's own work per record (measured on the medium preset's
 * directory: ~12 µs a line here, ~25 µs to seal a reviewer, ~2.5 µs to encode a record with
 * nothing to seal).
 */
const SEAL_COST = 2;
const ENCODE_COST = 0.2;

/**
 * The indexes of the records this thread seals itself: as many of the people (the last ones)
 * as even out the two threads' work on the chunk, none when the sealing thread has the lighter
 * share anyway (a chunk of events and products, or a few people among them).
 */
function sharedHere(subjects: readonly (string | undefined)[], chunkLines: number): Set<number> {
  let people = 0;
  for (const s of subjects) if (s !== undefined) people++;
  const others = subjects.length - people;
  // this thread: chunkLines + k × SEAL_COST; the sealing thread: the rest
  const k = Math.floor((others * ENCODE_COST + people * SEAL_COST - chunkLines) / (2 * SEAL_COST));
  const here = new Set<number>();
  for (let i = subjects.length - 1; i >= 0 && here.size < Math.min(k, people); i--) {
    if (subjects[i] !== undefined) here.add(i);
  }
  return here;
}

/** The request for the records sent to the sealing thread, their data keys handed out. */
function threadRequest(
  items: readonly ToSeal[],
  itemSubjects: readonly (string | undefined)[],
  vault: Vault,
  personal: PersonalData,
  emailHashes: EmailHashes | undefined,
): SealRequest {
  const subjects = new Map<string, number>();
  for (const subject of itemSubjects) {
    if (subject !== undefined && !subjects.has(subject)) subjects.set(subject, subjects.size);
  }
  const keys = new Uint8Array(subjects.size * 32);
  const fresh = new Uint8Array(subjects.size);
  for (const [subject, i] of subjects) {
    const given = vault.handOut(subject);
    keys.set(given.key, i * 32);
    fresh[i] = given.fresh ? 1 : 0;
  }
  return {
    id: 0,
    personal: personal.declaration(),
    kinds: items.map((i) => i.kind),
    texts: items.map((i) => i.text),
    subjects: [...subjects.keys()],
    keys,
    fresh,
    masterKey: new Uint8Array(vault.masterKeyForSealing()),
    ...(emailHashes ? { emailKey: new Uint8Array(emailHashes.keyForThread()) } : {}),
  };
}

/** The two parts of a shared chunk back in the chunk's order. */
function merge(n: number, here: Set<number>, thread: SealedChunk, local: SealedChunk): SealedChunk {
  const payloads: string[] = [];
  const hashes = new Uint8Array(n * 32);
  const withAddresses = thread.emailHashes.length > 0 || local.emailHashes.length > 0;
  const addressHashes = new Uint8Array(withAddresses ? n * 32 : 0);
  let t = 0;
  let l = 0;
  for (let i = 0; i < n; i++) {
    const [from, j] = here.has(i) ? [local, l++] : [thread, t++];
    payloads.push(from.payloads[j]!);
    hashes.set(from.hashes.subarray(j * 32, j * 32 + 32), i * 32);
    if (withAddresses) addressHashes.set(from.emailHashes.subarray(j * 32, j * 32 + 32), i * 32);
  }
  return { payloads, hashes, newKeys: thread.newKeys, emailHashes: addressHashes };
}

/** A synchronous result as a promise; a throw as a rejection (as the thread's failures are). */
function settle(seal: () => SealedChunk): Promise<SealedChunk> {
  try {
    return Promise.resolve(seal());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function sealInline(
  items: readonly ToSeal[],
  vault: Vault,
  personal: PersonalData,
  emailHashes: EmailHashes | undefined,
): SealedChunk {
  const payloads: string[] = [];
  const hashes = new Uint8Array(items.length * 32);
  const addressHashes = new Uint8Array(emailHashes ? items.length * 32 : 0);
  items.forEach(({ kind, body }, i) => {
    const address = emailHashes && reviewerEmail(kind, body);
    if (address !== undefined) addressHashes.set(emailHashes!.hashOf(address), i * 32);
    const { payload, leafHash } = encodeDirectory(kind, body, vault, personal);
    payloads.push(payload);
    hashes.set(leafHash, i * 32);
  });
  return { payloads, hashes, newKeys: [], emailHashes: addressHashes };
}

/** Until the sealing thread runs, chunks with fewer directory records than this are sealed here. */
const THREAD_FROM = 64;

/** The compiled worker beside this module; absent when running from TypeScript sources. */
const WORKER_FILE = fileURLToPath(new URL('./seal-worker.js', import.meta.url));

/** One sealing thread per process, started on first use, not keeping the process alive. */
class SealThread {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    {
      resolve: (r: SealedChunk) => void;
      reject: (e: Error) => void;
      n: number;
      request: SealRequest;
    }
  >();

  constructor(private readonly onDead: () => void) {
    this.worker = new Worker(WORKER_FILE);
    this.worker.on('message', (reply: SealReply) => this.answer(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the sealing thread stopped (exit ${code})`)),
    );
    this.worker.unref(); // after the listeners, which would hold the process open again
  }

  request(message: SealRequest, n: number): Promise<SealedChunk> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // held open while it owes an answer (an unref'd thread alone would let the process exit)
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject, n, request: message });
      this.worker.postMessage({ ...message, id });
    });
  }

  private answer(reply: SealReply): void {
    const w = this.waiting.get(reply.id);
    if (!w) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    const { payloads, hashes, wrapped } = reply;
    const emailHashes = reply.emailHashes ?? new Uint8Array();
    const subjects = w.request.subjects.filter((_, i) => w.request.fresh[i] === 1);
    if (
      reply.error !== undefined ||
      !payloads ||
      !hashes ||
      !wrapped ||
      payloads.length !== w.n ||
      hashes.length !== w.n * 32 ||
      wrapped.length !== subjects.length * WRAPPED_BYTES ||
      emailHashes.length !== (w.request.emailKey ? w.n * 32 : 0)
    ) {
      w.reject(new Error(`sealing failed: ${reply.error ?? 'a short reply'}`));
      return;
    }
    const bytes = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.length);
    const newKeys = subjects.map(
      (s, i) => [s, bytes.subarray(i * WRAPPED_BYTES, (i + 1) * WRAPPED_BYTES)] as const,
    );
    w.resolve({ payloads, hashes, newKeys, emailHashes });
  }

  private fail(error: Error): void {
    this.onDead();
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }
}

let shared: SealThread | undefined;

function sealThread(): SealThread {
  if (shared) return shared;
  const thread = new SealThread(() => {
    if (shared === thread) shared = undefined;
  });
  shared = thread;
  return thread;
}
