import type { Ecosystem } from '../types.js';
import { apk } from './apk.js';
import { dpkg } from './dpkg.js';
import { pep440 } from './pep440.js';
import { semver } from './semver.js';
import type { VersionScheme } from './scheme.js';

export type { VersionScheme } from './scheme.js';

/** Which ordering each package ecosystem uses. rpm has no comparator yet: its packages are not matched. */
export const SCHEMES: Readonly<Record<Ecosystem, VersionScheme | null>> = {
  debian: dpkg,
  ubuntu: dpkg,
  alpine: apk,
  npm: semver,
  pypi: pep440,
  rpm: null,
};

/** The scheme for a package ecosystem, or null when versions of it cannot be compared. */
export function schemeFor(ecosystem: Ecosystem): VersionScheme | null {
  return SCHEMES[ecosystem];
}

/** The scheme for an OSV ecosystem string ("Debian:12", "Alpine:v3.19", "npm", "PyPI"), or null. */
export function schemeForOsvEcosystem(osvEcosystem: string): VersionScheme | null {
  const base = osvEcosystem.split(':')[0];
  switch (base) {
    case 'Debian':
    case 'Ubuntu':
      return dpkg;
    case 'Alpine':
      return apk;
    case 'npm':
      return semver;
    case 'PyPI':
      return pep440;
    default:
      return null;
  }
}

export { apk, dpkg, pep440, semver };
