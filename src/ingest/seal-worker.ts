import { parentPort } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import {
  PersonalData,
  emailHashWithKey,
  sealWithKey,
  wrapDataKey,
  type Sealer,
} from '../privacy/index.js';
import { WRAPPED_BYTES, type SealReply, type SealRequest } from './seal-protocol.js';
import { encodeDirectoryLine, reviewerEmail } from './seal-record.js';

/**
 * The sealing thread: seals a chunk's directory records and encodes their payloads and leaves
 * (the work the import's main thread spent a third of its time on), with the data keys the main
 * thread sent. Pure: no I/O but its port; the keys live only as long as their chunk.
 */
parentPort?.on('message', (m: SealRequest) => {
  try {
    const reply = sealChunk(m);
    const transfer = [reply.hashes, reply.wrapped, reply.emailHashes].map(
      (a) => a!.buffer as ArrayBuffer,
    );
    parentPort?.postMessage(reply, transfer);
  } catch (e) {
    const reply: SealReply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
    parentPort?.postMessage(reply);
  }
});

function sealChunk(m: SealRequest): SealReply {
  const personal = new PersonalData(m.personal);
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
  const emailKey = m.emailKey && Buffer.from(m.emailKey);
  const payloads: string[] = [];
  const hashes = new Uint8Array(m.texts.length * 32);
  const emailHashes = new Uint8Array(emailKey ? m.texts.length * 32 : 0);
  for (let i = 0; i < m.texts.length; i++) {
    const line = JSON.parse(m.texts[i]!) as Record<string, unknown>;
    const address = emailKey && reviewerEmail(m.kinds[i]!, line);
    if (address !== undefined) emailHashes.set(emailHashWithKey(emailKey!, address), i * 32);
    const { payload, leafHash } = encodeDirectoryLine(m.kinds[i]!, line, sealer, personal);
    payloads.push(payload);
    hashes.set(leafHash, i * 32);
  }
  return { id: m.id, payloads, hashes, wrapped: wrapFresh(m), emailHashes };
}

/** The new keys wrapped under the master key, each with a fresh random IV. */
function wrapFresh(m: SealRequest): Uint8Array {
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
