import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVulnDb } from '../../../src/security/vuln/db.js';
import type { VulnDb } from '../../../src/security/vuln/db.js';
import { importOsv } from '../../../src/security/vuln/import.js';
import { matchPackages } from '../../../src/security/vuln/matcher.js';
import type { LayerInfo, OsInfo, Package, VulnerabilityFinding } from '../../../src/security/types.js';
import { tempDir } from '../../support/tmp.js';
import { record } from './support/records.js';

const tmp = tempDir('vuln-match-');
const CRIT = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }];
const MED = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' }];

const RECORDS = [
  // Debian 12, matched by source package
  record('DEBIAN-CVE-2024-0001', 'Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }], { severity: CRIT, upstream: ['CVE-2024-0001'] }),
  record('DEBIAN-CVE-2023-0002', 'Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.9-1' }], { severity: CRIT }), // fixed before installed
  record('DEBIAN-CVE-2024-0003', 'Debian:11', 'openssl', [{ introduced: '0' }], { severity: CRIT }), // other release
  record('DEBIAN-CVE-2023-0004', 'Debian:12', 'zlib', [{ introduced: '0' }, { last_affected: '1:1.2.13.dfsg-1' }], { entry: { ecosystem_specific: { urgency: 'low' } } }),
  record('DEBIAN-CVE-2024-0005', 'Debian:12', 'glibc', [{ introduced: '2.36-1' }, { fixed: '2.36-9+deb12u4' }], { severity: MED }),
  record('DEBIAN-CVE-2024-0006', 'Debian:12', 'glibc', [{ introduced: '2.37-1' }, { fixed: '2.37-5' }], { severity: CRIT }), // introduced later
  record('DEBIAN-CVE-2024-0007', 'Debian:12', 'bash', [{ introduced: '0' }, { fixed: '5.2.15-3' }], { entry: { ecosystem_specific: { urgency: 'unimportant' } } }),
  record('DEBIAN-CVE-2024-0008', 'Debian:12', 'libssl3', [{ introduced: '0' }]), // names the binary: advisories use source names
  // a record with two entries for the same package: one finding
  {
    ...record('DSA-5500-1', 'Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.12-1' }], { aliases: ['CVE-2023-5678', 'CVE-2023-5679'] }),
    affected: [
      { package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.12-1' }] }] },
      { package: { ecosystem: 'Debian:12', name: 'openssl' }, versions: ['3.0.11-1~deb12u2'] },
    ],
  },
  // npm
  record('GHSA-lodash', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], { rangeType: 'SEMVER', database_specific: { severity: 'HIGH' }, aliases: ['CVE-2021-23337'] }),
  record('GHSA-express', 'npm', 'express', [{ introduced: '0' }, { fixed: '4.17.3' }], { rangeType: 'SEMVER', severity: CRIT }),
  // PyPI: names normalized on both sides
  record('PYSEC-django', 'PyPI', 'django', [{ introduced: '4.2' }, { fixed: '4.2.11' }], { severity: MED }),
  record('PYSEC-jinja', 'PyPI', 'Jinja2', [{ introduced: '0' }, { fixed: '3.1.3' }], {}),
  // Ubuntu and Alpine
  record('UBUNTU-CVE-2024-1', 'Ubuntu:22.04:LTS', 'curl', [{ introduced: '0' }, { fixed: '7.81.0-1ubuntu1.16' }], { severity: [{ type: 'Ubuntu', score: 'medium' }] }),
  record('UBUNTU-CVE-2024-2', 'Ubuntu:Pro:22.04:LTS', 'curl', [{ introduced: '0' }], {}), // ESM only: not for plain images
  record('ALPINE-CVE-2024-1', 'Alpine:v3.19', 'busybox', [{ introduced: '0' }, { fixed: '1.36.1-r16' }], { severity: CRIT }),
  record('ALPINE-CVE-2024-2', 'Alpine:v3.19', 'musl', [{ introduced: '0' }, { fixed: '1.2.4_git20230717-r5' }], { severity: MED }),
  record('ALPINE-CVE-2024-3', 'Alpine:v3.18', 'busybox', [{ introduced: '0' }], { severity: CRIT }),
];

const layers: LayerInfo[] = [
  { index: 0, digest: 'sha256:aa', diffId: 'sha256:a0', size: 10 },
  { index: 1, digest: 'sha256:bb', diffId: 'sha256:b0', size: 20, createdBy: 'RUN npm ci' },
];

function pkg(ecosystem: Package['ecosystem'], name: string, version: string, extra: Partial<Package> = {}): Package {
  return { ecosystem, name, version, purl: `pkg:${ecosystem}/${name}@${version}`, path: '/var/lib/dpkg/status', layer: 0, ...extra };
}

const debian12: OsInfo = { family: 'debian', version: '12', name: 'Debian GNU/Linux', codename: 'bookworm' };
const debPackages: Package[] = [
  pkg('debian', 'libssl3', '3.0.11-1~deb12u2', { srcName: 'openssl' }),
  pkg('debian', 'openssl', '3.0.11-1~deb12u2', { srcName: 'openssl' }),
  pkg('debian', 'zlib1g', '1:1.2.13.dfsg-1', { srcName: 'zlib' }),
  pkg('debian', 'libc6', '2.36-9+deb12u3+b1', { srcName: 'glibc', srcVersion: '2.36-9+deb12u3' }),
  pkg('debian', 'bash', '5.2.15-2+b2'),
  pkg('debian', 'coreutils', '9.1-1'),
];
const langPackages: Package[] = [
  pkg('npm', 'lodash', '4.17.20', { path: '/app/node_modules/lodash/package.json', layer: 1 }),
  pkg('npm', 'lodash', '4.17.20', { path: '/app/node_modules/a/node_modules/lodash/package.json', layer: 1 }),
  pkg('npm', 'lodash', '4.17.21', { path: '/app/node_modules/b/node_modules/lodash/package.json', layer: 1 }),
  pkg('npm', 'express', '4.19.2', { path: '/app/node_modules/express/package.json', layer: 1 }),
  pkg('pypi', 'Django', '4.2.10', { path: '/usr/lib/python3/dist-packages/Django-4.2.10.dist-info/METADATA' }),
  pkg('pypi', 'jinja2', '3.1.2', { path: '/usr/lib/python3/dist-packages/jinja2-3.1.2.dist-info/METADATA' }),
];

const brief = (fs: VulnerabilityFinding[]) => fs.map((f) => [f.id, f.pkgName, f.installedVersion, f.fixedVersion, f.severity]);

let db: VulnDb;
beforeAll(async () => {
  const src = tmp.path('records');
  mkdirSync(src);
  RECORDS.forEach((r, i) => writeFileSync(join(src, `${i}.json`), JSON.stringify(r)));
  await importOsv(src, tmp.path('osv.db'));
  db = openVulnDb(tmp.path('osv.db'));
});
afterAll(() => db.close());

describe('matching an inventory', () => {
  it('finds exactly the advisories whose ranges hold the installed versions, sorted', () => {
    const findings = matchPackages(db, debian12, [...debPackages, ...langPackages], layers);
    expect(brief(findings)).toEqual([
      ['DEBIAN-CVE-2024-0001', 'libssl3', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1', 'CRITICAL'],
      ['DEBIAN-CVE-2024-0001', 'openssl', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1', 'CRITICAL'],
      ['GHSA-lodash', 'lodash', '4.17.20', '4.17.21', 'HIGH'],
      ['DEBIAN-CVE-2024-0005', 'libc6', '2.36-9+deb12u3+b1', '2.36-9+deb12u4', 'MEDIUM'],
      ['PYSEC-django', 'Django', '4.2.10', '4.2.11', 'MEDIUM'],
      ['DEBIAN-CVE-2023-0004', 'zlib1g', '1:1.2.13.dfsg-1', null, 'LOW'],
      ['DEBIAN-CVE-2024-0007', 'bash', '5.2.15-2+b2', '5.2.15-3', 'LOW'],
      ['DSA-5500-1', 'libssl3', '3.0.11-1~deb12u2', '3.0.12-1', 'UNKNOWN'],
      ['DSA-5500-1', 'openssl', '3.0.11-1~deb12u2', '3.0.12-1', 'UNKNOWN'],
      ['PYSEC-jinja', 'jinja2', '3.1.2', '3.1.3', 'UNKNOWN'],
    ]);
  });

  it('carries aliases, scores, references, source, layer and package path', () => {
    const findings = matchPackages(db, debian12, [...debPackages, ...langPackages], layers);
    const crit = findings[0];
    expect(crit).toMatchObject({
      aliases: ['CVE-2024-0001'],
      purl: 'pkg:debian/libssl3@3.0.11-1~deb12u2',
      score: 9.8,
      cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      title: 'openssl issue DEBIAN-CVE-2024-0001',
      description: 'Details of DEBIAN-CVE-2024-0001.',
      references: ['https://example.org/DEBIAN-CVE-2024-0001'],
      source: 'Debian:12',
      pkgPath: '/var/lib/dpkg/status',
      layer: layers[0],
      published: '2024-04-01T00:00:00Z',
      modified: '2024-05-01T00:00:00Z',
    });
    const lodash = findings.find((f) => f.id === 'GHSA-lodash')!;
    expect(lodash).toMatchObject({ aliases: ['CVE-2021-23337'], layer: layers[1], pkgPath: '/app/node_modules/lodash/package.json', score: null, source: 'npm' });
    expect(findings.find((f) => f.id === 'DSA-5500-1')?.aliases).toEqual(['CVE-2023-5678', 'CVE-2023-5679']);
    expect(matchPackages(db, debian12, langPackages).find((f) => f.id === 'GHSA-lodash')?.layer).toBeNull();
  });

  it('matches distroless images by their Debian release and skips distro packages without an OS', () => {
    const distroless: OsInfo = { family: 'distroless', baseFamily: 'debian', version: '12', name: 'Distroless', codename: null };
    expect(brief(matchPackages(db, distroless, debPackages.slice(0, 1)))).toEqual([
      ['DEBIAN-CVE-2024-0001', 'libssl3', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1', 'CRITICAL'],
      ['DSA-5500-1', 'libssl3', '3.0.11-1~deb12u2', '3.0.12-1', 'UNKNOWN'],
    ]);
    expect(matchPackages(db, null, [...debPackages, ...langPackages]).map((f) => f.id)).toEqual(['GHSA-lodash', 'PYSEC-django', 'PYSEC-jinja']);
    const codenameOnly: OsInfo = { family: 'debian', version: '', name: 'Debian', codename: 'bookworm' };
    expect(matchPackages(db, codenameOnly, debPackages.slice(0, 1))).toHaveLength(2);
  });

  it('matches Ubuntu (":LTS" ecosystems, no Pro) and Alpine releases', () => {
    const ubuntu: OsInfo = { family: 'ubuntu', version: '22.04', name: 'Ubuntu', codename: 'jammy' };
    expect(brief(matchPackages(db, ubuntu, [pkg('ubuntu', 'libcurl4', '7.81.0-1ubuntu1.15', { srcName: 'curl' })]))).toEqual([
      ['UBUNTU-CVE-2024-1', 'libcurl4', '7.81.0-1ubuntu1.15', '7.81.0-1ubuntu1.16', 'MEDIUM'],
    ]);
    const alpine: OsInfo = { family: 'alpine', version: '3.19.1', name: 'Alpine Linux', codename: null };
    const apkPkgs = [
      pkg('alpine', 'busybox', '1.36.1-r15', { path: '/lib/apk/db/installed' }),
      pkg('alpine', 'ssl_client', '1.36.1-r16', { srcName: 'busybox', path: '/lib/apk/db/installed' }),
      pkg('alpine', 'musl', '1.2.4_git20230717-r4', { path: '/lib/apk/db/installed' }),
    ];
    expect(brief(matchPackages(db, alpine, apkPkgs))).toEqual([
      ['ALPINE-CVE-2024-1', 'busybox', '1.36.1-r15', '1.36.1-r16', 'CRITICAL'],
      ['ALPINE-CVE-2024-2', 'musl', '1.2.4_git20230717-r4', '1.2.4_git20230717-r5', 'MEDIUM'],
    ]);
    // Alpine packages on a Debian OS (or the reverse) are not matched against the other distro.
    expect(matchPackages(db, debian12, apkPkgs)).toEqual([]);
  });

  it('skips packages whose version cannot be read, with a warning', () => {
    const warnings: string[] = [];
    const found = matchPackages(db, debian12, [pkg('npm', 'lodash', 'not-a-version', { path: '/app/x/package.json' })], undefined, (w) => warnings.push(`${w.path}: ${w.message}`));
    expect(found).toEqual([]);
    expect(warnings).toEqual(['/app/x/package.json: lodash: version "not-a-version" is not a valid semver version; not matched']);
  });
});
