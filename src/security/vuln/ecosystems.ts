import type { OsFamily, OsInfo, Package } from '../types.js';
import { normalizePypiName } from './pypi-name.js';
import { apk, dpkg, pep440, semver } from './schemes.js';
import type { VersionScheme } from './scheme.js';

/** Where to look a package up: the OSV ecosystem strings to try, the name to ask for, how to compare. */
export interface LookupTarget {
  ecosystems: string[];
  name: string;
  /** The version advisories are compared against (the source version for distro packages). */
  version: string;
  scheme: VersionScheme;
}

const DEBIAN_CODENAMES: Record<string, string> = { buster: '10', bullseye: '11', bookworm: '12', trixie: '13', forky: '14' };

function family(os: OsInfo): OsFamily {
  return os.family === 'distroless' ? (os.baseFamily ?? 'unknown') : os.family;
}

/**
 * The OSV ecosystems holding advisories for an OS's own packages: "Debian:12",
 * "Ubuntu:22.04" and "Ubuntu:22.04:LTS" (OSV marks LTS releases; which one exists is
 * the data's business), "Alpine:v3.19". Empty when the release cannot be told.
 */
export function distroEcosystems(os: OsInfo | null): string[] {
  if (os === null) return [];
  const v = os.version.trim();
  switch (family(os)) {
    case 'debian': {
      const major = /^(\d+)/.exec(v)?.[1] ?? DEBIAN_CODENAMES[os.codename ?? ''] ?? (/^(sid|unstable)\b/.test(v) ? 'sid' : null);
      return major === null ? [] : [`Debian:${major}`];
    }
    case 'ubuntu': {
      const release = /^(\d+\.\d+)/.exec(v)?.[1];
      return release === undefined ? [] : [`Ubuntu:${release}`, `Ubuntu:${release}:LTS`];
    }
    case 'alpine': {
      const release = /^(\d+\.\d+)/.exec(v)?.[1];
      return release === undefined ? [] : [`Alpine:v${release}`];
    }
    default:
      return [];
  }
}

/** How one package is looked up, or null when its ecosystem cannot be matched here. */
export function lookupTarget(pkg: Package, os: OsInfo | null, distro: string[]): LookupTarget | null {
  switch (pkg.ecosystem) {
    case 'debian':
    case 'ubuntu':
    case 'alpine': {
      const fam = os === null ? 'unknown' : family(os);
      const dpkgFamily = fam === 'debian' || fam === 'ubuntu';
      if (distro.length === 0 || (pkg.ecosystem === 'alpine' ? fam !== 'alpine' : !dpkgFamily)) return null;
      // Distro advisories name the source package; its version is what the fixes are stated in.
      return { ecosystems: distro, name: pkg.srcName || pkg.name, version: pkg.srcVersion || pkg.version, scheme: pkg.ecosystem === 'alpine' ? apk : dpkg };
    }
    case 'npm':
      return { ecosystems: ['npm'], name: pkg.name, version: pkg.version, scheme: semver };
    case 'pypi':
      return { ecosystems: ['PyPI'], name: normalizePypiName(pkg.name), version: pkg.version, scheme: pep440 };
    default:
      return null;
  }
}
