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
export class Vault {
  private readonly cache = new Map<string, Buffer>();
  private pool = Buffer.alloc(0);
  private poolAt = 0;

  constructor(
    private readonly masterKey: Buffer,
    private readonly keys: DataKeyRepository,
  ) {}

  /** Seals `plaintext` as `enc:v1:<base64(iv ‖ ciphertext ‖ tag)>`. */
  seal(subject: string, field: string, plaintext: string): string {
    const key = this.dataKey(subject, true);
    const aad = Buffer.from(`${subject}\u0000${field}`);
    const data = Buffer.from(plaintext, 'utf8');
    const iv = createHmac('sha256', key).update(aad).update(data).digest().subarray(0, IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
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
   * Destroys a person's data key (erasure). Returns false when there was none. Refused
   * (`SUBJECT_HELD`) while a legal hold names the person: evidence a court may need is not
   * destroyed; the erasure is carried out when the hold is released (src/cases).
   */
  erase(subject: string): boolean {
    const holds = this.keys.holdsOn(subject);
    if (holds.length > 0) {
      throw new PrivacyError(
        'SUBJECT_HELD',
        `${subject} is under legal hold (case ${holds.join(', ')}): the erasure waits for the hold's release`,
      );
    }
    this.cache.delete(subject);
    return this.keys.deleteWrappedKey(subject);
  }

  private dataKey(subject: string, create: boolean): Buffer {
    const cached = this.cache.get(subject);
    if (cached) return cached;
    const wrapped = this.keys.getWrappedKey(subject);
    let key: Buffer;
    if (wrapped) key = this.unwrap(subject, wrapped);
    else if (create) {
      key = this.random(32);
      this.keys.putWrappedKey(subject, this.wrap(subject, key));
    } else throw new PrivacyError('SUBJECT_ERASED', `no data key for ${subject}: erased`);
    // bounded: an import meets each person about once, and memory must not grow with the input
    if (this.cache.size >= CACHE_KEYS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(subject, key);
    return key;
  }

  private wrap(subject: string, key: Buffer): Buffer {
    const iv = this.random(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv).setAAD(Buffer.from(subject));
    return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
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
