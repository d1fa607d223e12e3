import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dpkgAnalyzer } from '../../../src/security/inventory/dpkg.js';
import { file } from './helpers.js';

const STATUS = `Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library
 multi-line
 .
 description

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl (3.0.11-1~deb12u2)
Version: 3.0.11-1~deb12u2+b1

Package: removed-pkg
Status: deinstall ok config-files
Version: 1.0-1

Package: tzdata
Status: install ok installed
Version: 2024a-0+deb12u1
Architecture: all

Package: epoch
Status: install ok installed
Version: 1:2.3-4
Architecture: amd64

Package: no-version
Status: install ok installed

Package: Bad Name
Status: install ok installed
Version: 1.0
this line is garbage
`;

describe('dpkg analyzer', () => {
  it('wants the status file and distroless status.d entries', () => {
    const paths = ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/libc6', '/var/lib/dpkg/status.d/libc6.md5sums', '/var/lib/dpkg/status-old', '/var/lib/dpkg/status.d/x/y'];
    expect(paths.map((p) => dpkgAnalyzer.required(p, 1))).toEqual([true, true, false, false, false]);
  });

  it('lists installed packages with source names and versions', () => {
    const r = dpkgAnalyzer.analyze(file('/var/lib/dpkg/status', STATUS, 2));
    expect(r.packages?.map((p) => [p.name, p.version, p.srcName, p.srcVersion, p.arch])).toEqual([
      ['libc6', '2.36-9+deb12u4', 'glibc', '2.36-9+deb12u4', 'amd64'],
      ['libssl3', '3.0.11-1~deb12u2+b1', 'openssl', '3.0.11-1~deb12u2', 'amd64'],
      ['tzdata', '2024a-0+deb12u1', 'tzdata', '2024a-0+deb12u1', 'all'],
      ['epoch', '1:2.3-4', 'epoch', '1:2.3-4', 'amd64'],
    ]);
    expect(r.packages?.[0]).toMatchObject({ ecosystem: 'debian', path: '/var/lib/dpkg/status', layer: 2, purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64' });
    expect(r.packages?.[3].purl).toBe('pkg:deb/debian/epoch@1:2.3-4?arch=amd64');
  });

  it('skips malformed entries with one warning each', () => {
    const r = dpkgAnalyzer.analyze(file('/var/lib/dpkg/status', STATUS));
    expect(r.warnings?.map((w) => w.message)).toEqual([
      expect.stringMatching(/^line 37: not a "Field: value" line/),
      expect.stringMatching(/^line 31: bad or missing Package\/Version/),
      expect.stringMatching(/^line 34: bad or missing Package\/Version/),
    ]);
  });

  it('takes distroless status.d paragraphs, which have no Status, as installed', () => {
    const r = dpkgAnalyzer.analyze(file('/var/lib/dpkg/status.d/base-files', 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n'));
    expect(r.packages?.map((p) => p.name)).toEqual(['base-files']);
  });

  it('agrees with dpkg-query on this machine', () => {
    const expected = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}|${Package}|${Version}|${Architecture}\\n'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.startsWith('ii '))
      .map((l) => l.slice(l.indexOf('|') + 1))
      .sort();
    const r = dpkgAnalyzer.analyze(file('/var/lib/dpkg/status', readFileSync('/var/lib/dpkg/status')));
    expect(r.packages?.map((p) => `${p.name}|${p.version}|${p.arch ?? ''}`).sort()).toEqual(expected);
    expect(r.warnings).toEqual([]);
  });
});
