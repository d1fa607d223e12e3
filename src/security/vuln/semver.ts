import semverLib from 'semver';
import type { SemVer } from 'semver';
import { VulnDbError } from './errors.js';
import type { VersionScheme } from './scheme.js';

/*
 * npm's ordering (SemVer 2.0 precedence, build metadata ignored) through the semver library.
 * Loose spellings npm itself accepts ("v1.2.3", "=1.2.3", " 1.2.3") parse as they are; versions
 * with one or two numeric parts ("1.2", "1.2-beta.1") are padded with zeros, as OSV data and old
 * manifests sometimes write them. Anything else (ranges like "1.2.x", four-part versions) is
 * invalid rather than guessed at.
 */

// eslint-disable-next-line security/detect-unsafe-regex -- quadratic in leading blanks, but parse() refuses strings over MAX_LENGTH (256) before SHORT runs
const SHORT = /^\s*[v=]*\s*\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\s*$/;
const cache = new Map<string, SemVer | null>();

/** What the semver library itself accepts at most; longer strings come from hostile images, not npm. */
const MAX_LENGTH = 256;

function parse(version: string): SemVer | null {
  // Checked first: SHORT's adjacent optional runs are quadratic on long runs of blanks.
  if (version.length > MAX_LENGTH) return null;
  const hit = cache.get(version);
  if (hit !== undefined) return hit;
  let v = semverLib.parse(version, { loose: true });
  if (v === null && SHORT.test(version)) v = semverLib.coerce(version, { includePrerelease: true });
  if (cache.size > 50_000) cache.clear();
  cache.set(version, v);
  return v;
}

export function isValid(version: string): boolean {
  return parse(version) !== null;
}

/**
 * @example
 * compare('1.0.0-rc.1', '1.0.0')  // -1
 * compare('v1.2', '1.2.0')        // 0
 * @throws VulnDbError BAD_VERSION when either side is not a version
 */
export function compare(a: string, b: string): -1 | 0 | 1 {
  const va = parse(a);
  const vb = parse(b);
  if (va === null || vb === null) {
    throw new VulnDbError('BAD_VERSION', `not a semantic version: "${va === null ? a : b}"`, { version: va === null ? a : b, scheme: 'semver' });
  }
  return va.compare(vb);
}

export const semver: VersionScheme = { name: 'semver', isValid, compare };
