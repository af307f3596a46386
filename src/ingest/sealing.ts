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
  /** The line (when the fast path read it whole) or the body as JSON: the same value. */
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
 */
export function sealChunk(
  items: readonly ToSeal[],
  vault: Vault,
  personal: PersonalData,
  emailHashes?: EmailHashes,
): Promise<SealedChunk> {
  if (items.length === 0)
    return Promise.resolve({
      payloads: [],
      hashes: new Uint8Array(),
      newKeys: [],
      emailHashes: new Uint8Array(),
    });
  // a few records cost less here than starting the thread (a small import, one guard record)
  if (items.length < THREAD_FROM || !existsSync(WORKER_FILE)) {
    return Promise.resolve(sealInline(items, vault, personal, emailHashes));
  }
  const subjects = new Map<string, number>();
  for (const { kind, body } of items) {
    const subject = keySubject(kind, body, personal);
    if (subject !== undefined && !subjects.has(subject)) subjects.set(subject, subjects.size);
  }
  const keys = new Uint8Array(subjects.size * 32);
  const fresh = new Uint8Array(subjects.size);
  for (const [subject, i] of subjects) {
    const given = vault.handOut(subject);
    keys.set(given.key, i * 32);
    fresh[i] = given.fresh ? 1 : 0;
  }
  return sealThread().request(
    {
      id: 0,
      personal: personal.declaration(),
      kinds: items.map((i) => i.kind),
      texts: items.map((i) => i.text),
      subjects: [...subjects.keys()],
      keys,
      fresh,
      masterKey: new Uint8Array(vault.masterKeyForSealing()),
      ...(emailHashes ? { emailKey: new Uint8Array(emailHashes.keyForThread()) } : {}),
    },
    items.length,
  );
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

/** Chunks with fewer directory records than this are sealed in this thread. */
const THREAD_FROM = 256;

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
