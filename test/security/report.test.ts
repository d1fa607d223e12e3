import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import { parseTrivyReport, trivyArgs } from '../../src/security/backend/trivy.js';
import { evaluateThresholds, parseSeverityList } from '../../src/security/policy/thresholds.js';
import { buildCycloneDx } from '../../src/security/report/cyclonedx.js';
import { renderTable } from '../../src/security/report/table.js';
import { buildTrivyReport } from '../../src/security/report/trivy-json.js';
import type { Inventory, TargetInfo, VulnerabilityFinding } from '../../src/security/types.js';

const layer = { index: 0, digest: 'sha256:aaaa', diffId: 'sha256:bbbb', size: 10 };
const target: TargetInfo = {
  name: 'local/app:1',
  kind: 'docker-archive',
  digest: 'sha256:feed',
  imageId: 'sha256:cafe',
  repoTags: ['local/app:1'],
  repoDigests: [],
  config: null,
  layers: [layer],
};
const inventory: Inventory = {
  os: { family: 'debian', version: '12', name: 'Debian GNU/Linux', codename: 'bookworm' },
  packages: [
    { ecosystem: 'debian', name: 'libssl3', version: '3.0.11-1~deb12u2', srcName: 'openssl', srcVersion: '3.0.11-1~deb12u2', purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12', path: '/var/lib/dpkg/status', layer: 0 },
    { ecosystem: 'npm', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', path: '/app/package-lock.json', layer: 0, licenses: ['MIT'] },
  ],
  warnings: [],
};
function finding(over: Partial<VulnerabilityFinding>): VulnerabilityFinding {
  return {
    id: 'CVE-2024-0001',
    aliases: [],
    pkgName: 'libssl3',
    purl: inventory.packages[0].purl,
    installedVersion: '3.0.11-1~deb12u2',
    fixedVersion: '3.0.13-1~deb12u1',
    severity: 'HIGH',
    score: 7.5,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    title: 'openssl: denial of service',
    description: 'A crafted input exhausts memory.',
    references: ['https://security-tracker.debian.org/tracker/CVE-2024-0001'],
    pkgPath: '/var/lib/dpkg/status',
    layer,
    source: 'Debian:12',
    published: '2024-01-02T00:00:00Z',
    modified: '2024-02-01T00:00:00Z',
    ...over,
  };
}
const findings = [
  finding({}),
  finding({ id: 'GHSA-xxxx-yyyy-zzzz', aliases: ['CVE-2021-23337'], pkgName: 'lodash', purl: 'pkg:npm/lodash@4.17.20', installedVersion: '4.17.20', fixedVersion: '4.17.21', severity: 'CRITICAL', pkgPath: '/app/package-lock.json', source: 'npm' }),
  finding({ id: 'CVE-2024-0002', severity: 'MEDIUM', fixedVersion: null, score: null, cvssVector: null }),
];

describe('severity gate', () => {
  const t = { maxCritical: 0, maxHigh: 0, maxMedium: 5, failOnVulnerabilities: true };
  it('fails with one reason per exceeded limit', () => {
    const g = evaluateThresholds(findings, t);
    expect(g.passed).toBe(false);
    expect(g.counts).toMatchObject({ CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0 });
    expect(g.reasons).toEqual(['1 CRITICAL finding, at most 0 allowed', '1 HIGH finding, at most 0 allowed']);
  });
  it('passes within limits, and reports without failing when told not to fail', () => {
    expect(evaluateThresholds([findings[2]], t).passed).toBe(true);
    const g = evaluateThresholds(findings, { ...t, failOnVulnerabilities: false });
    expect(g.passed).toBe(true);
    expect(g.reasons).toHaveLength(2);
  });
  it('parses severity lists', () => {
    expect(parseSeverityList('critical, HIGH')).toEqual(['CRITICAL', 'HIGH']);
    expect(() => parseSeverityList('severe')).toThrow(/unknown severity "SEVERE"/);
  });
});

describe('Trivy-compatible JSON', () => {
  const report = buildTrivyReport(target, inventory, findings, new Date('2026-01-01T00:00:00Z'));
  it('has the Trivy layout: SchemaVersion 2, OS and language results', () => {
    expect(report.SchemaVersion).toBe(2);
    expect(report.ArtifactType).toBe('container_image');
    expect(report.Metadata.OS).toEqual({ Family: 'debian', Name: '12' });
    expect(report.Results.map((r) => [r.Target, r.Class, r.Type])).toEqual([
      ['local/app:1 (debian 12)', 'os-pkgs', 'debian'],
      ['app/package-lock.json', 'lang-pkgs', 'node-pkg'],
    ]);
    const v = report.Results[0].Vulnerabilities?.[0];
    expect(v).toMatchObject({ VulnerabilityID: 'CVE-2024-0001', PkgName: 'libssl3', InstalledVersion: '3.0.11-1~deb12u2', FixedVersion: '3.0.13-1~deb12u1', Status: 'fixed', Severity: 'HIGH', Layer: { Digest: 'sha256:aaaa', DiffID: 'sha256:bbbb' } });
    expect(v?.CVSS?.osv.V3Score).toBe(7.5);
    expect(report.Results[0].Vulnerabilities?.[1]).toMatchObject({ Status: 'affected' });
  });
  it('reads back through the Trivy parser to the same findings', () => {
    const back = parseTrivyReport(JSON.stringify(report));
    expect(back.map((f) => [f.id, f.pkgName, f.severity, f.fixedVersion, f.score])).toEqual(
      report.Results.flatMap((r) => r.Vulnerabilities ?? []).map((v) => [v.VulnerabilityID, v.PkgName, v.Severity, v.FixedVersion ?? null, v.CVSS?.osv?.V3Score ?? null]),
    );
  });
});

describe('Trivy-compatible JSON metadata', () => {
  it('masks secrets in the image config Env and build history', () => {
    const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Kp2LmN3';
    const apiToken = 'tok3nV4lu3Xy9z8WqR7pL2';
    const config = {
      user: '1000', env: ['PATH=/usr/bin', `AWS_SECRET_ACCESS_KEY=${awsSecret}`, `API_TOKEN=${apiToken}`, 'NODE_ENV=production'], exposedPorts: [], entrypoint: [], cmd: [], workingDir: '/app', labels: {}, healthcheck: null, os: 'linux', architecture: 'amd64',
      history: [{ createdBy: `/bin/sh -c #(nop) ENV AWS_SECRET_ACCESS_KEY=${awsSecret}`, emptyLayer: true }, { createdBy: '/bin/sh -c apt-get update', emptyLayer: false }],
    };
    const text = JSON.stringify(buildTrivyReport({ ...target, config }, inventory, [], new Date('2026-01-01T00:00:00Z')));
    expect(text).not.toContain(awsSecret);
    expect(text).not.toContain(apiToken);
    const meta = JSON.parse(text).Metadata.ImageConfig;
    expect(meta.env).toContain('PATH=/usr/bin');
    expect(meta.env).toContain('NODE_ENV=production');
    expect(meta.env[1]).toMatch(/^AWS_SECRET_ACCESS_KEY=wJal\*+$/);
    expect(meta.history[0].createdBy).toMatch(/^\(withheld: holds a secret, /);
    expect(meta.history[1].createdBy).toBe('/bin/sh -c apt-get update');
  });
});

describe('Trivy backend', () => {
  it('normalizes a report as trivy writes it', () => {
    const trivyOutput = JSON.stringify({
      SchemaVersion: 2,
      CreatedAt: '2026-11-01T10:00:00.000000000Z',
      ArtifactName: 'debian:12',
      ArtifactType: 'container_image',
      Metadata: { OS: { Family: 'debian', Name: '12.7' }, ImageID: 'sha256:1234' },
      Results: [
        {
          Target: 'debian:12 (debian 12.7)',
          Class: 'os-pkgs',
          Type: 'debian',
          Vulnerabilities: [
            {
              VulnerabilityID: 'CVE-2023-4911',
              PkgID: 'libc6@2.36-9+deb12u1',
              PkgName: 'libc6',
              PkgIdentifier: { PURL: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12.7', UID: 'abc' },
              InstalledVersion: '2.36-9+deb12u1',
              FixedVersion: '2.36-9+deb12u3',
              Status: 'fixed',
              Layer: { Digest: 'sha256:d1', DiffID: 'sha256:e1' },
              SeveritySource: 'nvd',
              PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2023-4911',
              DataSource: { ID: 'debian', Name: 'Debian Security Tracker', URL: 'https://salsa.debian.org/security-tracker-team/security-tracker' },
              Title: 'glibc: buffer overflow in ld.so leading to privilege escalation',
              Description: 'A buffer overflow was discovered in the GNU C Library dynamic loader.',
              Severity: 'HIGH',
              CweIDs: ['CWE-787'],
              VendorSeverity: { debian: 3, nvd: 3 },
              CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', V3Score: 7.8 }, redhat: { V3Vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', V3Score: 7.8 } },
              References: ['https://access.redhat.com/security/cve/CVE-2023-4911'],
              PublishedDate: '2023-10-03T18:15:10.233Z',
              LastModifiedDate: '2024-11-21T08:40:00.000Z',
            },
          ],
        },
        { Target: 'usr/lib/node_modules/npm/package.json', Class: 'lang-pkgs', Type: 'node-pkg' },
      ],
    });
    const out = parseTrivyReport(trivyOutput);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'CVE-2023-4911', pkgName: 'libc6', installedVersion: '2.36-9+deb12u1', fixedVersion: '2.36-9+deb12u3', severity: 'HIGH', score: 7.8, source: 'debian', layer: { digest: 'sha256:d1', diffId: 'sha256:e1' } });
  });
  it('rejects what is not a Trivy report and maps targets to trivy arguments', () => {
    expect(() => parseTrivyReport('nope')).toThrow(/not JSON/);
    expect(() => parseTrivyReport('{"SchemaVersion":1}')).toThrow(/SchemaVersion 2/);
    expect(trivyArgs('docker-archive:/tmp/a.tar').slice(0, 1)).toEqual(['image']);
    expect(trivyArgs('docker-archive:/tmp/a.tar')).toContain('/tmp/a.tar');
    expect(trivyArgs('fs:./src')[0]).toBe('fs');
  });
});

describe('CycloneDX SBOM', () => {
  it('is valid CycloneDX 1.5 JSON listing every package by purl', async () => {
    const json = buildCycloneDx(target, inventory, new Date('2026-01-01T00:00:00Z'), '0.1.0');
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot5);
    expect(await validator.validate(json)).toBeNull();
    const doc = JSON.parse(json);
    expect(doc.specVersion).toBe('1.5');
    expect(doc.components.map((c: { purl?: string }) => c.purl).filter(Boolean).sort()).toEqual(inventory.packages.map((p) => p.purl).sort());
    expect(doc.metadata.component.name).toBe('local/app:1');
  });
});

describe('table', () => {
  it('shows counts, findings and the gate decision', () => {
    const gate = evaluateThresholds(findings, { maxCritical: 0, maxHigh: 0, maxMedium: 5, failOnVulnerabilities: true });
    const text = renderTable(target, inventory, findings, gate);
    expect(text).toContain('Total: 3 (CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 0)');
    expect(text).toContain('Gate: FAILED');
    expect(text).toMatch(/libssl3\s+CVE-2024-0001\s+HIGH/);
  });
});
