import type { InterchangeRecord } from '../domain/index.js';
import type { EmailHashes, PersonalData, Vault } from '../privacy/index.js';
import { classifyLine } from './classify-line.js';
import { directoryRefs } from './references.js';
import {
  PARSED,
  WRAPPED_BYTES,
  type ParseReply,
  type ParseRequest,
  type RejectionReply,
  type SealHeldRequest,
  type SealReply,
} from './seal-protocol.js';
import { encodeDirectory, encodeDirectoryLine, reviewerEmail } from './seal-record.js';
import { runningSealThread, sealThread, sealWorkerExists } from './seal-thread.js';

type Body = Record<string, unknown>;

/**
 * A chunk's directory lines parsed and checked (on the sealing thread, or in this thread), in
 * order: per line its `status` (`PARSED`: a directory record encoded already, one still to
 * seal, an event, a rejection) and what the writes need of it.
 */
export interface ParsedLines {
  readonly texts: readonly string[];
  readonly status: Uint8Array;
  readonly kinds: readonly string[];
  readonly keys: readonly string[];
  /** The data key a record still to seal needs ('' for the others). */
  readonly subjects: readonly string[];
  /** 1 when the line's value is the record (the fast path read it whole). */
  readonly fast: Uint8Array;
  /** Per directory record, the ids it names (`directoryRefs`). */
  readonly refs: readonly (readonly (number | string)[])[];
  /** The payloads and leaf hashes of the records encoded already. */
  readonly payloads: readonly string[];
  readonly hashes: Uint8Array;
  readonly rejections: readonly (RejectionReply | null)[];
  /** Parsed in this thread: the directory records (sealed in this thread too). */
  readonly records?: readonly (InterchangeRecord | undefined)[];
  /** Parsed on the sealing thread: the request whose records it holds until their keys come. */
  readonly id?: number;
}

export { PARSED };

/**
 * A chunk sealed, aligned with its `ParsedLines`: per line its payload and leaf hash (32 bytes
 * each; empty and zeros for lines that are no directory record); and the data keys it created,
 * wrapped, for the caller to store when it writes the chunk. With an `EmailHashes`, also per
 * line 32 bytes: a reviewer's address hash (zeros for the others); without one, `emailHashes`
 * is empty.
 */
export interface SealedChunk {
  readonly payloads: readonly string[];
  readonly hashes: Uint8Array;
  readonly newKeys: readonly (readonly [subject: string, wrapped: Buffer])[];
  readonly emailHashes: Uint8Array;
}

let batches = 0;

/**
 * Parses, checks, seals and encodes one batch's directory lines, chunk by chunk: on the
 * sealing thread when the compiled worker exists (in this thread otherwise: the same
 * functions). `parse` sends a chunk's lines; `seal` hands out the data keys its people need
 * (the vault creates and stores a new person's key in the caller's transaction) and has them
 * sealed. Keys are handed out in this thread, in order, so the result does not depend on the
 * thread.
 */
export class DirectorySealer {
  private readonly batch = batches++;

  constructor(
    private readonly vault: Vault,
    private readonly personal: PersonalData,
    private readonly emailHashes: EmailHashes | undefined,
  ) {}

  /**
   * Parses a chunk's lines on the sealing thread; in this thread when the thread has parsed
   * less than half of the chunk sent before (it is the slower of the two just now: this thread
   * parses and seals this chunk itself, and the two even out chunk by chunk), or is not worth
   * starting (a few lines), or is absent.
   */
  parse(texts: readonly string[]): Promise<ParsedLines> {
    // a few records cost less here than starting the thread (a small import)
    if (
      (texts.length < THREAD_FROM && runningSealThread() === undefined) ||
      (runningSealThread()?.linesOwed() ?? 0) > texts.length / 2 ||
      !sealWorkerExists()
    ) {
      return settle(() => {
        const parsed = parseHere(texts, this.personal);
        // the thread, which parses the chunks after this one, learns of its records
        runningSealThread()?.post({
          type: 'define',
          batch: this.batch,
          kinds: parsed.kinds.filter((k) => k !== ''),
          keys: parsed.keys.filter((_, i) => parsed.kinds[i] !== ''),
        });
        return parsed;
      });
    }
    const request: ParseRequest = {
      type: 'parse',
      id: nextRequest++,
      batch: this.batch,
      personal: this.personal.declaration(),
      texts,
    };
    return sealThread()
      .request<ParseReply>(request)
      .then((reply) => parsedFromThread(texts, request.id, reply));
  }

  /** Ends the batch: the sealing thread forgets what it holds of it (a batch that stopped). */
  close(): void {
    runningSealThread()?.post({ type: 'drop', batch: this.batch });
  }

  /**
   * Seals the chunk's records still to seal. A chunk heavy with people (sealing one costs
   * about three times what this thread spends on a line) is shared: this thread seals part of
   * them itself while the sealing thread seals the rest (`sharedHere`), so that neither waits
   * long for the other. `chunkLines` is the number of lines in the chunk, events included
   * (what this thread has to write besides).
   */
  seal(parsed: ParsedLines, chunkLines: number): Promise<SealedChunk> {
    const n = parsed.texts.length;
    const payloads = [...parsed.payloads];
    const hashes = parsed.hashes;
    const addressHashes = new Uint8Array(this.emailHashes ? n * 32 : 0);
    const held: number[] = [];
    for (let i = 0; i < n; i++) if (parsed.status[i] === PARSED.held) held.push(i);
    const done = (newKeys: SealedChunk['newKeys'] = []): SealedChunk => ({
      payloads,
      hashes,
      newKeys,
      emailHashes: addressHashes,
    });
    const sealHere = (i: number, body: Body, line: boolean): void => {
      const kind = parsed.kinds[i]!;
      const address = this.emailHashes && reviewerEmail(kind, body);
      if (address !== undefined) addressHashes.set(this.emailHashes!.hashOf(address), i * 32);
      const { payload, leafHash } = line
        ? encodeDirectoryLine(kind, body, this.vault, this.personal)
        : encodeDirectory(kind, body, this.vault, this.personal);
      payloads[i] = payload;
      hashes.set(leafHash, i * 32);
    };
    if (held.length === 0) return Promise.resolve(done());
    const records = parsed.records;
    if (records !== undefined) {
      return settle(() => {
        for (const i of held) sealHere(i, records[i]!.body as unknown as Body, false);
        return done();
      });
    }
    const here = sharedHere(parsed, held, chunkLines);
    const sent = held.filter((i) => !here.has(i));
    const skip: number[] = [];
    held.forEach((i, j) => {
      if (here.has(i)) skip.push(j);
    });
    const { request, fresh } = this.sealRequest(parsed, sent, here, skip);
    const fromThread = sealThread()
      .request<SealReply>(request)
      .then((reply) => checkSealReply(reply, sent.length, fresh.length, addressHashes.length > 0));
    // the keys of both parts are handed out above (a person in both gets one key), and the
    // thread wraps the new ones: this thread seals its part with keys the vault holds
    const local = settle(() => {
      for (const i of here) sealHere(i, JSON.parse(parsed.texts[i]!) as Body, true);
      return done();
    });
    return Promise.all([fromThread, local]).then(([t]) => {
      sent.forEach((i, j) => {
        payloads[i] = t.payloads[j]!;
        hashes.set(t.hashes.subarray(j * 32, j * 32 + 32), i * 32);
        if (addressHashes.length > 0)
          addressHashes.set(t.emailHashes.subarray(j * 32, j * 32 + 32), i * 32);
      });
      const bytes = Buffer.from(t.wrapped.buffer, t.wrapped.byteOffset, t.wrapped.length);
      return done(
        fresh.map(
          (s, k) => [s, bytes.subarray(k * WRAPPED_BYTES, (k + 1) * WRAPPED_BYTES)] as const,
        ),
      );
    });
  }

  /**
   * The request for the records sent to the sealing thread, the data keys of the chunk's
   * people handed out (those sent, then those sealed here: `here`); and the subjects whose
   * keys are new (the thread wraps them all and sends back their wrappings, in this order).
   */
  private sealRequest(
    parsed: ParsedLines,
    sent: readonly number[],
    here: ReadonlySet<number>,
    skip: readonly number[],
  ): { request: SealHeldRequest; fresh: string[] } {
    const subjects = new Map<string, number>();
    for (const i of [...sent, ...here]) {
      const subject = parsed.subjects[i]!;
      if (!subjects.has(subject)) subjects.set(subject, subjects.size);
    }
    const keys = new Uint8Array(subjects.size * 32);
    const isFresh = new Uint8Array(subjects.size);
    const fresh: string[] = [];
    const names = [...subjects.keys()];
    const given = this.vault.handOutAll(names);
    for (let i = 0; i < given.length; i++) {
      keys.set(given[i]!.key, i * 32);
      isFresh[i] = given[i]!.fresh ? 1 : 0;
      if (given[i]!.fresh) fresh.push(names[i]!);
    }
    const request: SealHeldRequest = {
      type: 'seal',
      id: nextRequest++,
      chunk: parsed.id!,
      batch: this.batch,
      skip,
      subjects: names,
      keys,
      fresh: isFresh,
      masterKey: new Uint8Array(this.vault.masterKeyForSealing()),
      ...(this.emailHashes ? { emailKey: new Uint8Array(this.emailHashes.keyForThread()) } : {}),
    };
    return { request, fresh };
  }
}

/** Parses a chunk's lines in this thread (its records are then sealed here too). */
function parseHere(texts: readonly string[], personal: PersonalData): ParsedLines {
  const n = texts.length;
  const status = new Uint8Array(n);
  const fast = new Uint8Array(n);
  const kinds: string[] = [];
  const keys: string[] = [];
  const subjects: string[] = [];
  const refs: (number | string)[][] = [];
  const rejections: (RejectionReply | null)[] = [];
  const records: (InterchangeRecord | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const line = classifyLine(texts[i]!, personal);
    const record = line.status === PARSED.held ? line : undefined;
    status[i] = line.status;
    if (record) fast[i] = record.fast;
    kinds.push(record?.kind ?? '');
    keys.push(record?.key ?? '');
    subjects.push(record?.subject ?? '');
    refs.push(record ? directoryRefs(record.record) : []);
    rejections.push(line.status === PARSED.rejected ? line.rejection : null);
    records.push(record?.record);
  }
  const payloads = texts.map(() => '');
  const hashes = new Uint8Array(n * 32);
  return {
    texts,
    status,
    kinds,
    keys,
    subjects,
    fast,
    refs,
    payloads,
    hashes,
    rejections,
    records,
  };
}

function parsedFromThread(texts: readonly string[], id: number, reply: ParseReply): ParsedLines {
  const n = texts.length;
  const { status, kinds, keys, subjects, fast, refs, payloads, hashes, rejections } = reply;
  if (
    reply.error !== undefined ||
    !status ||
    !kinds ||
    !keys ||
    !subjects ||
    !fast ||
    !refs ||
    !payloads ||
    !hashes ||
    !rejections ||
    status.length !== n ||
    kinds.length !== n ||
    keys.length !== n ||
    subjects.length !== n ||
    fast.length !== n ||
    refs.length !== n ||
    payloads.length !== n ||
    hashes.length !== n * 32 ||
    rejections.length !== n
  ) {
    throw new Error(`parsing failed: ${reply.error ?? 'a short reply'}`);
  }
  return { texts, status, kinds, keys, subjects, fast, refs, payloads, hashes, rejections, id };
}

function checkSealReply(
  reply: SealReply,
  n: number,
  fresh: number,
  withAddresses: boolean,
): { payloads: string[]; hashes: Uint8Array; wrapped: Uint8Array; emailHashes: Uint8Array } {
  const { payloads, hashes, wrapped } = reply;
  const emailHashes = reply.emailHashes ?? new Uint8Array();
  if (
    reply.error !== undefined ||
    !payloads ||
    !hashes ||
    !wrapped ||
    payloads.length !== n ||
    hashes.length !== n * 32 ||
    wrapped.length !== fresh * WRAPPED_BYTES ||
    emailHashes.length !== (withAddresses ? n * 32 : 0)
  ) {
    throw new Error(`sealing failed: ${reply.error ?? 'a short reply'}`);
  }
  return { payloads, hashes, wrapped, emailHashes };
}

/**
 * Costs in microseconds (measured on the medium preset's directory, one core each): this
 * thread's work per line of the chunk (the writes), sealing a person (here: its parse
 * besides), and the sealing thread's parse of a line and encoding of a record with nothing to
 * seal.
 */
const LINE_HERE = 7;
const SEAL = 25;
const PARSE = 3;
const ENCODE = 2.5;

/**
 * The records this thread seals itself: as many of the people (the last ones whose line is
 * the record) as even out the two threads' work on the chunk, none when the sealing thread
 * has the lighter share anyway (a chunk of events and products, or a few people among them).
 */
function sharedHere(parsed: ParsedLines, held: readonly number[], chunkLines: number): Set<number> {
  let lines = 0;
  let encoded = 0;
  for (const s of parsed.status) {
    if (s !== PARSED.rejected) lines++;
    if (s === PARSED.encoded) encoded++;
  }
  // this thread: chunkLines × LINE_HERE + k × (SEAL + PARSE); the sealing thread: its parse
  // of every line, the encoding of the others, and the rest of the people
  const thread = lines * PARSE + encoded * ENCODE + held.length * SEAL;
  const k = Math.floor((thread - chunkLines * LINE_HERE) / (2 * SEAL + PARSE));
  const here = new Set<number>();
  for (let j = held.length - 1; j >= 0 && here.size < Math.min(k, held.length); j--) {
    if (parsed.fast[held[j]!] === 1) here.add(held[j]!);
  }
  return here;
}

/** A synchronous result as a promise; a throw as a rejection (as the thread's failures are). */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Until the sealing thread runs, chunks with fewer directory lines than this are parsed here. */
const THREAD_FROM = 64;

let nextRequest = 0;
