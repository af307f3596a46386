import { createHmac } from 'node:crypto';
import { deriveKey } from './derived-keys.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** 24 base32 characters: 120 bits, beyond guessing. */
const ALIAS_CHARS = 24;

/**
 * Per-viewer relay aliases: instead of a reviewer's address, an employee receives an
 * address at the marketplace's mail relay that is unique to (employee, reviewer). It is
 * stable (the same employee sees the same alias again), unguessable (an HMAC under a key
 * derived from Warden's master key, which never leaves Warden), and it names its receiver:
 * a leaked alias points at the one employee it was handed to (`warden alias resolve`).
 *
 * @example
 *   const aliases = new RelayAliases(masterKey, 'relay.marketplace.example');
 *   aliases.aliasFor('E042', 'R981'); // 'rv-k3…@relay.marketplace.example'
 */
export class RelayAliases {
  private readonly key: Buffer;

  constructor(
    masterKey: Buffer,
    readonly domain: string,
  ) {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(domain)) {
      throw new TypeError(`relay domain ${JSON.stringify(domain)} is not a host name`);
    }
    // HKDF (RFC 5869) separates this key from the vault's: an alias reveals nothing of either.
    this.key = deriveKey(masterKey, 'warden relay-alias v1');
  }

  aliasFor(viewer: string, reviewer: string): string {
    // length-prefixed, so ('ab', 'c') and ('a', 'bc') cannot collide
    const mac = createHmac('sha256', this.key)
      .update(`${viewer.length}:${viewer}|${reviewer.length}:${reviewer}`)
      .digest();
    return `rv-${base32(mac).slice(0, ALIAS_CHARS)}@${this.domain}`;
  }
}

/** Whether a string has the shape of a relay alias (before any look-up). */
export function isRelayAlias(value: string): boolean {
  return /^rv-[a-z2-7]{24}@[a-z0-9.-]+$/.test(value);
}

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
