import type { OsInfo } from '../types.js';
import { purl } from './purl.js';
import type { FoundPackage } from './types.js';

/**
 * Ties distro packages to the release found in os-release, which the package databases do not
 * name: dpkg packages on Ubuntu become `ubuntu`, and purls get `distro=debian-12`.
 */
export function qualifyDistroPackage(p: FoundPackage, os: OsInfo | null): FoundPackage {
  if (p.ecosystem !== 'debian' && p.ecosystem !== 'ubuntu' && p.ecosystem !== 'alpine') return p;
  const family = os === null ? null : os.family === 'distroless' ? (os.baseFamily ?? 'unknown') : os.family;
  const ecosystem = p.ecosystem === 'alpine' ? 'alpine' : family === 'ubuntu' ? 'ubuntu' : 'debian';
  const distro = family !== null && family !== 'unknown' && os !== null && os.version !== '' ? `${family}-${os.version}` : undefined;
  const type = ecosystem === 'alpine' ? 'apk' : 'deb';
  return { ...p, ecosystem, purl: purl(type, ecosystem, p.name, p.version, { arch: p.arch, distro }) };
}
