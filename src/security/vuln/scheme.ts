/**
 * One ecosystem's version ordering. `compare` is total over the versions `isValid` accepts;
 * callers check `isValid` first (the affected routine does).
 */
export interface VersionScheme {
  readonly name: 'dpkg' | 'apk' | 'semver' | 'pep440';
  isValid(version: string): boolean;
  compare(a: string, b: string): -1 | 0 | 1;
}

export function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
