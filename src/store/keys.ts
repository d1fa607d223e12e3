import { createHash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Every API key we issue starts with this, so leaked keys are recognizable by scanners. */
export const API_KEY_PREFIX = 'cp_';
const KEY_BODY_LENGTH = 40;

/**
 * `length` characters from [0-9A-Za-z], uniformly: bytes >= 248 are discarded because
 * 256 is not a multiple of 62 and keeping them would favour the first 8 characters.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A fresh API key: `cp_` and 40 base62 characters (about 238 bits of entropy). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBase62(KEY_BODY_LENGTH);
}

/** SHA-256 hex of a key. A plain hash suffices: keys are random, so there is nothing to brute-force. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What is shown in listings to tell keys apart: the first 8 characters. */
export function keyDisplayPrefix(key: string): string {
  return key.slice(0, 8);
}
