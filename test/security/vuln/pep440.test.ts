import { describe, expect, it } from 'vitest';
import { compare, isValid } from '../../../src/security/vuln/pep440.js';
import { isVulnDbError } from '../../../src/security/vuln/errors.js';

const VECTORS: [string, string, -1 | 0 | 1][] = [
  ['1.0', '1.0.0', 0], // trailing zeros do not matter
  ['1.0', '1.1', -1],
  ['1.9', '1.10', -1],
  ['1.0.dev1', '1.0a1', -1], // PEP 440 "Summary of permitted suffixes and relative ordering"
  ['1.0a1', '1.0a2', -1],
  ['1.0a2', '1.0b1', -1],
  ['1.0b1', '1.0rc1', -1],
  ['1.0rc1', '1.0', -1],
  ['1.0', '1.0.post1', -1],
  ['1.0.post1', '1.1.dev1', -1],
  ['1.0a1.dev1', '1.0a1', -1],
  ['1.0', '1.0+local', -1], // a local version sorts after its public one
  ['1!0.1', '2.0', 1], // epochs first
  ['1.0-1', '1.0.post1', 0], // normalized spellings
  ['1.0RC1', '1.0rc1', 0],
  ['1.0c1', '1.0rc1', 0],
  ['v1.0', '1.0', 0],
  ['2.0.0', '10.0', -1],
];

describe('PEP 440 ordering', () => {
  it.each(VECTORS)('%s vs %s -> %d', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it('rejects what is not a PEP 440 version', () => {
    for (const v of ['1', '1.0', '2024.1.15', '1.0.post1.dev2', '1!2.0+ubuntu.1']) expect(isValid(v), v).toBe(true);
    for (const v of ['', 'abc', '1.0-beta-2-x', '==1.0', '1.*']) expect(isValid(v), v).toBe(false);
    let code: string | undefined;
    try {
      compare('abc', '1.0');
    } catch (e) {
      if (isVulnDbError(e)) code = e.code;
    }
    expect(code).toBe('BAD_VERSION');
  });
});
