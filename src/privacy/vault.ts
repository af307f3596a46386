import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { DataKeyRepository } from '../store/index.js';
import { PrivacyError } from './errors.js';

const PREFIX = 'enc:v1:';
// New data keys and their wrapping IVs are drawn from a pool filled this many bytes at a time:
// one call into the CSPRNG per ~1,400 new people instead of two per person (an import of a
// reviewer directory creates one key per reviewer).
const POOL_BYTES = 64 * 1024;
const CACHE_KEYS = 4096;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What seals a person's field: the vault, or a holder of the data keys it handed out. */
export interface Sealer {
  seal(subject: string, field: string, plaintext: string): string;
}

/**
 * Seals `plaintext` under a data key as `enc:v1:<base64(iv ‖ ciphertext ‖ tag)>`: AES-256-GCM
 * with the subject and field as associated data and a synthetic IV (see `Vault`). A pure
 * function of its inputs, so that a worker thread holding the key seals exactly as the vault.
 */
export function sealWithKey(
  key: Buffer,
  subject: string,
  field: string,
  plaintext: string,
): string {
  // aad ‖ data in one buffer, one output buffer: an import seals two fields per reviewer, and
  // each native call and Buffer costs about as much as the AES and HMAC work on a short value
  const aadText = `${subject}\u0000${field}`;
  const aadBytes = Buffer.byteLength(aadText);
  const message = Buffer.allocUnsafe(aadBytes + Buffer.byteLength(plaintext));
  message.write(aadText, 0, 'utf8');
  message.write(plaintext, aadBytes, 'utf8');
  const aad = message.subarray(0, aadBytes);
  const data = message.subarray(aadBytes);
  const iv = createHmac('sha256', key).update(message).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  const out = Buffer.allocUnsafe(IV_BYTES + data.length + TAG_BYTES);
  iv.copy(out, 0);
  // GCM is a stream mode: `update` gives as many bytes as it is given, `final` none
  cipher.update(data).copy(out, IV_BYTES);
  cipher.final();
  cipher.getAuthTag().copy(out, IV_BYTES + data.length);
  return PREFIX + out.toString('base64');
}

/** Wraps a data key under the master key (AES-256-GCM, the subject as associated data): `iv ‖ ct ‖ tag`. */
export function wrapDataKey(masterKey: Buffer, subject: string, key: Buffer, iv: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv).setAAD(Buffer.from(subject));
  return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
}

/**
 * Envelope encryption of personal data with AES-256-GCM: every person (subject) has a data
 * key, wrapped by the master key; each field is sealed under the subject's data key, with
 * the subject and field name as associated data so that a ciphertext cannot be moved to
 * another person or field. Erasure (GDPR Art. 17) destroys the data key: every ciphertext
 * of that person becomes unreadable, while the ledger, which commits to ciphertexts, still
 * verifies.
 *
 * The IV is synthetic (HMAC of the field and plaintext under the data key), so sealing the
 * same value twice gives the same ciphertext: a resent, unchanged record is recognised as
 * unchanged, and equality leaks only within one person's own fields.
 */
export class Vault implements Sealer {
  private readonly cache = new Map<string, Buffer>();
  /** Keys handed out new (`handOut`) whose wrapping is not stored yet. */
  private readonly unstored = new Map<string, Buffer>();
  private pool = Buffer.alloc(0);
  private poolAt = 0;

  constructor(
    private readonly masterKey: Buffer,
    private readonly keys: DataKeyRepository,
  ) {}

  /** Seals `plaintext` as `enc:v1:<base64(iv ‖ ciphertext ‖ tag)>`. */
  seal(subject: string, field: string, plaintext: string): string {
    return sealWithKey(this.dataKey(subject, true), subject, field, plaintext);
  }

  /**
   * The data key of `subject` for a sealer on another thread, which seals with it exactly as
   * `seal` would (`sealWithKey`). A key the subject did not have is `fresh`: that thread wraps
   * it (`wrapDataKey` under `masterKeyForSealing`) and the caller stores the wrapping with
   * `storeWrappedAll` in the same transaction; until then this vault hands out the same key.
   */
  handOut(subject: string): { key: Buffer; fresh: boolean } {
    return this.handOutAll([subject])[0]!;
  }

  /**
   * `handOut` of each of `subjects`, in order (the same keys, drawn in the same order): the
   * store asked once for the keys not held here, not once per subject (an import hands out a
   * chunk's people together, most of them new).
   */
  handOutAll(subjects: readonly string[]): { key: Buffer; fresh: boolean }[] {
    const asked = new Set<string>();
    for (const s of subjects) if (!this.cache.has(s) && !this.unstored.has(s)) asked.add(s);
    const stored = asked.size > 0 ? this.keys.getWrappedKeys([...asked]) : undefined;
    return subjects.map((subject) => {
      const known = this.cache.get(subject) ?? this.unstored.get(subject);
      if (known) return { key: known, fresh: false };
      // one cached before but dropped since (the cache is emptied when full): asked alone
      const wrapped = asked.has(subject) ? stored?.get(subject) : this.keys.getWrappedKey(subject);
      if (wrapped)
        return { key: this.remember(subject, this.unwrap(subject, wrapped)), fresh: false };
      const key = this.random(32);
      this.unstored.set(subject, key);
      return { key, fresh: true };
    });
  }

  /** Stores the wrapping of a key handed out `fresh`. */
  storeWrapped(subject: string, wrapped: Buffer): void {
    this.storeWrappedAll([[subject, wrapped]]);
  }

  /** `storeWrapped` of each, in order, in one write to the store. */
  storeWrappedAll(rows: readonly (readonly [subject: string, wrapped: Buffer])[]): void {
    if (rows.length === 0) return;
    this.keys.putWrappedKeys(rows);
    for (const [subject] of rows) {
      const key = this.unstored.get(subject);
      this.unstored.delete(subject);
      if (key) this.remember(subject, key);
    }
  }

  /** The master key, for the sealing thread to wrap the keys handed out fresh. */
  masterKeyForSealing(): Buffer {
    return this.masterKey;
  }

  /** After a rollback: the keys created in it were never stored, so none is reused. */
  forget(): void {
    this.cache.clear();
    this.unstored.clear();
  }

  /** Opens a sealed value; throws `SUBJECT_ERASED` once the person's key is destroyed. */
  open(subject: string, field: string, sealed: string): string {
    if (!sealed.startsWith(PREFIX)) {
      throw new PrivacyError('MALFORMED_CIPHERTEXT', `${field} of ${subject} is not sealed`);
    }
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) {
      throw new PrivacyError('MALFORMED_CIPHERTEXT', `${field} of ${subject} is too short`);
    }
    const key = this.dataKey(subject, false);
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${subject}\u0000${field}`));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new PrivacyError('DECRYPT_FAILED', `${field} of ${subject} does not open`, { cause });
    }
  }

  /**
   * Does this master key open the data keys already stored? Undefined when none is stored
   * (a new database, or one without personal data yet).
   */
  opensStoredKeys(): boolean | undefined {
    const some = this.keys.someWrappedKey();
    if (!some) return undefined;
    try {
      this.unwrap(some.subject, some.wrapped);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Destroys a person's data key (erasure). Resolves false when there was none. Refused
   * (`SUBJECT_HELD`) while a legal hold names the person: evidence a court may need is not
   * destroyed; the erasure is carried out when the hold is released (src/cases). The store
   * looks for holds and deletes in one atomic step, so a hold placed meanwhile from another
   * connection is not missed.
   */
  async erase(subject: string): Promise<boolean> {
    const { holds, deleted } = await this.keys.deleteWrappedKeyUnlessHeld(subject);
    if (holds.length > 0) {
      throw new PrivacyError(
        'SUBJECT_HELD',
        `${subject} is under legal hold (case ${holds.join(', ')}): the erasure waits for the hold's release`,
      );
    }
    this.cache.delete(subject);
    return deleted;
  }

  private dataKey(subject: string, create: boolean): Buffer {
    const cached = this.cache.get(subject) ?? this.unstored.get(subject);
    if (cached) return cached;
    const wrapped = this.keys.getWrappedKey(subject);
    let key: Buffer;
    if (wrapped) key = this.unwrap(subject, wrapped);
    else if (create) {
      key = this.random(32);
      this.keys.putWrappedKey(subject, this.wrap(subject, key));
    } else throw new PrivacyError('SUBJECT_ERASED', `no data key for ${subject}: erased`);
    return this.remember(subject, key);
  }

  private remember(subject: string, key: Buffer): Buffer {
    // bounded: an import meets each person about once, and memory must not grow with the
    // input. Emptied whole when full: dropping the oldest one at a time made every eviction
    // step over the holes that deletions leave at the front of a Map (a profile's 3.7 %).
    if (this.cache.size >= CACHE_KEYS) this.cache.clear();
    this.cache.set(subject, key);
    return key;
  }

  private wrap(subject: string, key: Buffer): Buffer {
    return wrapDataKey(this.masterKey, subject, key, this.random(IV_BYTES));
  }

  /** `n` fresh random bytes; each pool is used once, front to back, and never refilled in place. */
  private random(n: number): Buffer {
    if (this.poolAt + n > this.pool.length) {
      this.pool = randomBytes(POOL_BYTES);
      this.poolAt = 0;
    }
    const out = this.pool.subarray(this.poolAt, this.poolAt + n);
    this.poolAt += n;
    return out;
  }

  private unwrap(subject: string, wrapped: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(subject));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (cause) {
      throw new PrivacyError(
        'DECRYPT_FAILED',
        `the data key of ${subject} does not open under this master key (wrong WARDEN_KEY or key file?)`,
        { cause },
      );
    }
  }
}
