/*
 * Fake secrets, built at run time from pieces so no file holds a literal live-looking secret.
 * A seeded generator keeps them the same from run to run.
 */

let state = 0x2545f491;
function next(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 0x100000000;
}

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwyz0123456789';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWYZ234567';
export const HEX = '0123456789abcdef';
export const B64 = `${ALNUM}+/`;
export const TOKEN = `${ALNUM}_-`;
export const DIGITS = '0123456789';
export const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

/** `n` random characters of `alphabet` (no `x`, so never a run of `xxxx`). */
export function rnd(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

export const uuid = (): string => [8, 4, 4, 4, 12].map((n) => rnd(HEX, n)).join('-');
/** A GitHub classic personal access token's shape. */
export const ghp = (): string => `${'gh' + 'p_'}${rnd(ALNUM, 36)}`;

const pemBody = (): string => Array.from({ length: 4 }, () => rnd(B64, 64)).join('\n');
export const pem = (label: string, header = ''): string => `-----BEGIN ${label}-----\n${header}${pemBody()}\n-----END ${label}-----\n`;
