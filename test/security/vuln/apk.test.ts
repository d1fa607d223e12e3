import { describe, expect, it } from 'vitest';
import { compare, isValid } from '../../../src/security/vuln/apk.js';

// [a, b, expected compare(a, b)], per current apk-tools' ordering
const VECTORS: [string, string, -1 | 0 | 1][] = [
  ['1.0', '1.0', 0],
  ['1.0.0', '1.0.1', -1],
  ['1.2', '1.10', -1], // numeric, not lexical
  ['1.2.1', '1.2', 1],
  ['1.0', '1', 1],
  ['1.2.3-r0', '1.2.3-r1', -1],
  ['1.2.3-r10', '1.2.3-r9', 1],
  ['1.2.3', '1.2.3-r0', -1], // a revision, even r0, makes it longer
  ['1.2.3-r5', '1.2.4-r0', -1],
  ['1.2a', '1.2b', -1], // one letter after a number
  ['1.2', '1.2a', -1],
  ['1.2z', '1.3', -1],
  ['1.0_alpha', '1.0_beta', -1],
  ['1.0_beta', '1.0_pre', -1],
  ['1.0_pre', '1.0_rc', -1],
  ['1.0_rc', '1.0', -1], // pre-release suffixes sort below the release
  ['1.0_rc1', '1.0_rc2', -1],
  ['1.0_rc2', '1.0_rc10', -1],
  ['1.0_alpha2', '1.0_alpha', 1],
  ['1.0', '1.0_cvs', -1], // post-release suffixes sort above it
  ['1.0_cvs', '1.0_svn', -1],
  ['1.0_svn', '1.0_git', -1],
  ['1.0_git', '1.0_hg', -1],
  ['1.0_hg', '1.0_p', -1],
  ['1.0_p1', '1.0_p2', -1],
  ['3.1_p16', '3.1_p17', -1],
  ['1.0_git20230101-r0', '1.0-r0', 1],
  ['1.0_rc1-r5', '1.0-r0', -1],
  ['0.1.0_alpha_pre2', '0.1.0_alpha', -1], // chained suffixes
  ['1.01', '1.1', -1], // a leading zero after a dot sorts below
  ['1.001', '1.01', -1],
  ['1.07', '1.1', -1],
  ['1.10', '1.09', 1], // compared as text when either side has a leading zero
  ['1.0', '1.00', -1],
  ['20240101123456789012', '20240101123456789013', -1], // numbers beyond 2^53 stay exact
  ['1.2.3~abc123-r0', '1.2.3~abc124-r0', -1], // commit hashes compare as text
  ['1.2.3-r0', '1.2.3~abc-r0', -1],
  ['1.2.07.8', '1.2.12.04', -1],
  ['006', '1.06-r6', 1], // but not in the first component
  ['2.34', '0.1.0_alpha', 1],
  ['20050718-r1', '20050718-r2', -1],
  ['1.4_p12-r2', '1.4_p12-r5', -1],
  ['4.5_p1-r1', '4.5_p1', 1],
  ['1.3_pre1-r1', '1.3.2', -1],
];

describe('apk version ordering', () => {
  it.each(VECTORS)('%s vs %s -> %d', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it('accepts what apk accepts', () => {
    for (const v of ['1', '1.2.3', '1.2.3-r0', '1.2a', '1.2.3_rc1', '1.2.3_p1-r2', '1.0_alpha_pre2', '2.4.58_git20240101-r1', '1.2.3~1a2b3c-r4']) expect(isValid(v), v).toBe(true);
    for (const v of ['', 'a1', '1.2.3-', '1.2.3-x1', '1.2ab', '1.2_foo', '1.2.3-r1.4', '1..2x', 'v1.2', '1.2 3', '1.2.3-r', '1.2a3', '1.2a.3', '1.2_preview', '1.2~', '1.2~x']) expect(isValid(v), v).toBe(false);
  });

  it('orders a sorted release history consistently', () => {
    const history = ['1.0_alpha1', '1.0_beta1', '1.0_rc1', '1.0', '1.0-r1', '1.0_p1', '1.0.1', '1.0.1a', '1.1_pre1', '1.1', '1.10', '2.0_git20240101', '10.0'];
    for (let i = 0; i < history.length; i++) {
      for (let j = 0; j < history.length; j++) expect(compare(history[i], history[j]), `${history[i]} vs ${history[j]}`).toBe(Math.sign(i - j) || 0);
    }
  });
});
