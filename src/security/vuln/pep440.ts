import * as pep440Lib from '@renovatebot/pep440';
import { VulnDbError } from './errors.js';
import { sign } from './scheme.js';
import type { VersionScheme } from './scheme.js';

/*
 * Python's ordering (PEP 440: epochs, pre/post/dev releases, local versions) through
 * @renovatebot/pep440, which follows the `packaging` library. Normalized spellings
 * ("1.0-1" == "1.0.post1", "1.0RC1" == "1.0rc1") compare equal.
 */

const validity = new Map<string, boolean>();

export function isValid(version: string): boolean {
  let ok = validity.get(version);
  if (ok === undefined) {
    ok = pep440Lib.valid(version) !== null;
    if (validity.size >= 100_000) validity.clear();
    validity.set(version, ok);
  }
  return ok;
}

/**
 * @example
 * compare('1.0.dev1', '1.0a1')   // -1
 * compare('1!0.1', '2.0')        // 1: the epoch wins
 * @throws VulnDbError BAD_VERSION when either side is not a PEP 440 version
 */
export function compare(a: string, b: string): -1 | 0 | 1 {
  for (const v of [a, b]) {
    if (!isValid(v)) throw new VulnDbError('BAD_VERSION', `not a PEP 440 version: "${v}"`, { version: v, scheme: 'pep440' });
  }
  return sign(pep440Lib.compare(a, b));
}

export const pep440: VersionScheme = { name: 'pep440', isValid, compare };
