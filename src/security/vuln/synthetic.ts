import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OsvAffected, OsvRange, OsvRecord, OsvSeverity } from './osv-record.js';

/*
 * Synthetic OSV records for benchmarks: realistic shapes (several ranges, mixed severities,
 * aliases, long details) and deterministic for a seed. Distro records name real Debian source
 * packages part of the time, so a scan of a real image against them finds something.
 */

export interface SyntheticOptions {
  seed?: number;
  /** Distinct made-up package names per ecosystem, besides the real ones. */
  packagePool?: number;
}

/** Source packages of a Debian bookworm minbase system. */
export const REAL_DEBIAN_SOURCES: readonly string[] = (
  'acl adduser apt attr audit base-files base-passwd bash bzip2 cdebconf coreutils dash db5.3 debconf debian-archive-keyring ' +
  'debianutils diffutils dpkg e2fsprogs findutils gcc-12 gmp gnupg2 gnutls28 grep gzip hostname init-system-helpers keyutils krb5 ' +
  'libbsd libcap-ng libcap2 libffi libgcrypt20 libgpg-error libidn2 libmd libnsl libseccomp libselinux libsemanage libsepol ' +
  'libtasn1-6 libtirpc libunistring libxcrypt libzstd lz4 mawk ncurses nettle openssl p11-kit pam pcre2 perl readline sed shadow ' +
  'sqlite3 systemd sysvinit tar tzdata usrmerge util-linux xxhash xz-utils zlib'
).split(' ');

const ECOSYSTEMS: { name: string; weight: number; kind: 'dpkg' | 'apk' | 'semver' | 'pep440'; prefix: string }[] = [
  { name: 'Debian:12', weight: 0.4, kind: 'dpkg', prefix: 'DEBIAN' },
  { name: 'Ubuntu:22.04:LTS', weight: 0.1, kind: 'dpkg', prefix: 'UBUNTU' },
  { name: 'Alpine:v3.19', weight: 0.1, kind: 'apk', prefix: 'ALPINE' },
  { name: 'npm', weight: 0.25, kind: 'semver', prefix: 'GHSA-NPM' },
  { name: 'PyPI', weight: 0.15, kind: 'pep440', prefix: 'PYSEC' },
];

/** mulberry32: tiny, fast and deterministic across platforms (32-bit integer arithmetic only). */
function rngFor(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const V3 = { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' };
const V4 = { AV: 'NALP', AC: 'LH', AT: 'NP', PR: 'NLH', UI: 'NPA', VC: 'HLN', VI: 'HLN', VA: 'HLN', SC: 'HLN', SI: 'HLN', SA: 'HLN' };
const WORDS = 'buffer overflow in the parser allows remote attackers to cause a denial of service or execute arbitrary code via crafted input when processing certificates headers archives'.split(' ');

/**
 * `count` synthetic OSV records; the same (count, seed) always gives the same records.
 *
 * @example
 * for (const r of syntheticOsvRecords(50_000, { seed: 7 })) writeFileSync(`${dir}/${r.id}.json`, JSON.stringify(r));
 */
export function* syntheticOsvRecords(count: number, options: SyntheticOptions = {}): Generator<OsvRecord> {
  const rand = rngFor(options.seed ?? 1);
  const pool = options.packagePool ?? 2000;
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const version = (kind: string, major: number, minor: number, patch: number): string => {
    if (kind === 'dpkg') return `${rand() < 0.1 ? '1:' : ''}${major}.${minor}.${patch}-${int(1, 5)}${rand() < 0.3 ? `+deb12u${int(1, 4)}` : ''}`;
    if (kind === 'apk') return `${major}.${minor}.${patch}-r${int(0, 5)}`;
    return `${major}.${minor}.${patch}`;
  };
  const vector = (metrics: Record<string, string>, prefix: string): string =>
    [prefix, ...Object.entries(metrics).map(([k, vals]) => `${k}:${pick([...vals])}`)].join('/');

  for (let i = 0; i < count; i++) {
    let r = rand();
    const eco = ECOSYSTEMS.find((e) => (r -= e.weight) < 0) ?? ECOSYSTEMS[0];
    // Squaring skews the pool so some packages carry many advisories, as real ones do.
    const useReal = eco.kind === 'dpkg' && rand() < 0.3;
    const name = useReal ? pick(REAL_DEBIAN_SOURCES) : `syn-${eco.kind}-${Math.floor(rand() * rand() * pool)}`;
    const ranges: OsvRange[] = [];
    let major = int(0, 3);
    for (let k = int(1, 2); k > 0; k--) {
      const minor = int(0, 20);
      const introduced = rand() < 0.4 ? '0' : version(eco.kind, major, minor, int(0, 9));
      const end = rand();
      const bound = version(eco.kind, major, minor + int(1, 10), int(0, 20));
      const events = [{ introduced }, ...(end < 0.8 ? [{ fixed: bound }] : end < 0.9 ? [{ last_affected: bound }] : [])];
      ranges.push({ type: eco.kind === 'semver' ? 'SEMVER' : 'ECOSYSTEM', events });
      major += int(1, 2);
    }
    const year = int(2015, 2025);
    const cve = `CVE-${year}-${int(1000, 49999)}`;
    const s = rand();
    const severity: OsvSeverity[] =
      s < 0.55 ? [{ type: 'CVSS_V3', score: vector(V3, 'CVSS:3.1') }] : s < 0.65 ? [{ type: 'CVSS_V4', score: vector(V4, 'CVSS:4.0') }] : [];
    const affected: OsvAffected = { package: { ecosystem: eco.name, name }, ranges };
    if (eco.kind === 'dpkg' && severity.length === 0) affected.ecosystem_specific = { urgency: pick(['unimportant', 'low', 'medium', 'high', 'not yet assigned']) };
    const details = Array.from({ length: int(20, 80) }, () => pick(WORDS)).join(' ');
    const date = new Date(Date.UTC(year, int(0, 11), int(1, 28))).toISOString();
    yield {
      id: `${eco.prefix}-${options.seed ?? 1}-${i}`,
      modified: date,
      published: date,
      aliases: [cve],
      summary: `${name}: ${details.slice(0, 60)}`,
      details,
      severity: severity.length > 0 ? severity : undefined,
      affected: [affected],
      references: [{ type: 'ADVISORY', url: `https://example.org/advisories/${cve}` }, { type: 'WEB', url: `https://example.org/${name}/issues/${i}` }],
      database_specific: severity.length === 0 && eco.kind !== 'dpkg' ? { severity: pick(['LOW', 'MODERATE', 'HIGH', 'CRITICAL']) } : undefined,
    };
  }
}

/**
 * Writes `count` synthetic records as one JSON file each under `dir` (grouped in folders of
 * 1,000), for benchmarks of a folder import.
 */
export async function writeSyntheticOsvFolder(dir: string, count: number, options: SyntheticOptions = {}): Promise<void> {
  let n = 0;
  for (const record of syntheticOsvRecords(count, options)) {
    const sub = join(dir, String(Math.floor(n++ / 1000)).padStart(4, '0'));
    if (n % 1000 === 1) await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `${record.id}.json`), JSON.stringify(record));
  }
}
