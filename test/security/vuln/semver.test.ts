import { describe, expect, it } from 'vitest';
import { compare, isValid } from '../../../src/security/vuln/semver.js';
import { isVulnDbError } from '../../../src/security/vuln/errors.js';

const VECTORS: [string, string, -1 | 0 | 1][] = [
  ['1.0.0', '1.0.0', 0],
  ['1.0.0', '1.0.1', -1],
  ['1.2.0', '1.10.0', -1],
  ['2.0.0', '10.0.0', -1],
  ['1.0.0-alpha', '1.0.0', -1], // SemVer 2.0 section 11 examples
  ['1.0.0-alpha', '1.0.0-alpha.1', -1],
  ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
  ['1.0.0-alpha.beta', '1.0.0-beta', -1],
  ['1.0.0-beta', '1.0.0-beta.2', -1],
  ['1.0.0-beta.2', '1.0.0-beta.11', -1],
  ['1.0.0-beta.11', '1.0.0-rc.1', -1],
  ['1.0.0-rc.1', '1.0.0', -1],
  ['1.0.0+build.1', '1.0.0+build.2', 0], // build metadata does not order
  ['v1.2.3', '1.2.3', 0], // loose spellings npm accepts
  ['=1.2.3', '1.2.3', 0],
  ['1.2', '1.2.0', 0], // short versions padded
  ['1', '1.0.0', 0],
  ['1.2-beta.1', '1.2.0-beta.1', 0],
  ['1.2', '1.2.1', -1],
];

describe('semver ordering', () => {
  it.each(VECTORS)('%s vs %s -> %d', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it('rejects what is not a version rather than guessing', () => {
    for (const v of ['1.2.3', '0.0.0-0', 'v1.2.3', '1.2', '10']) expect(isValid(v), v).toBe(true);
    for (const v of ['', 'abc', '1.2.x', '^1.2.3', '1.2.3.4', 'latest', '1.2.3 - 2.0.0']) expect(isValid(v), v).toBe(false);
    let code: string | undefined;
    try {
      compare('1.2.x', '1.0.0');
    } catch (e) {
      if (isVulnDbError(e)) code = e.code;
    }
    expect(code).toBe('BAD_VERSION');
  });
});

describe('semver input limits', () => {
  it('treats strings longer than 256 characters as invalid (hostile images), whatever they hold', () => {
    expect(isValid(`${' '.repeat(20_000)}x`)).toBe(false);
    expect(isValid(`1.2.3${' '.repeat(300)}`)).toBe(false);
    expect(isValid(`  v1.2.3  `)).toBe(true);
  });
});
