import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DetectorState } from '../../store/index.js';

/**
 * MACs of the saved detection state (HMAC-SHA-256 under `Wired.stateKey`). A plain hash would
 * let anyone who can write the database plant a state — an engine that has "already seen" the
 * leaves that incriminate someone, or a header that skips them — and recompute the hash. Each
 * MAC binds everything the resume trusts: the ledger size and root hash the state claims, the
 * version, the event count, the bytes, and for the rest of the engine, the directory part's MAC
 * (so that parts of two states cannot be mixed). Fields are length-prefixed: no two different
 * lists of fields give the same input.
 */
function mac(key: Buffer, label: string, fields: readonly (string | Buffer)[]): Buffer {
  const h = createHmac('sha256', key).update(label);
  for (const f of fields) {
    const bytes = typeof f === 'string' ? Buffer.from(f, 'utf8') : f;
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(bytes.length));
    h.update(length).update(bytes);
  }
  return h.digest();
}

/** The directory part's MAC: its ledger size, the version that wrote it, its bytes. */
export function directoryMac(
  key: Buffer,
  d: { ledgerSize: number; version: string; data: Buffer },
): Buffer {
  return mac(key, 'warden detector-directory v1', [String(d.ledgerSize), d.version, d.data]);
}

/** The rest's MAC: its header, its bytes, and the MAC of the directory part it goes with. */
export function stateMac(
  key: Buffer,
  s: { ledgerSize: number; rootHash: Buffer; version: string; events: number; data: Buffer },
  directory: Buffer,
): Buffer {
  return mac(key, 'warden detector-state v1', [
    String(s.ledgerSize),
    s.rootHash,
    s.version,
    String(s.events),
    directory,
    s.data,
  ]);
}

/** Constant-time comparison of a computed MAC with a stored one (of any length). */
export function sameMac(computed: Buffer, stored: Buffer): boolean {
  return computed.length === stored.length && timingSafeEqual(computed, stored);
}

/** Both MACs of a loaded state hold, and its directory part is not newer than the rest. */
export function authentic(key: Buffer, s: DetectorState): boolean {
  const dir = directoryMac(key, { ...s.directory, version: s.version });
  return (
    s.directory.ledgerSize <= s.ledgerSize &&
    sameMac(dir, s.directory.mac) &&
    sameMac(stateMac(key, s, dir), s.mac)
  );
}
