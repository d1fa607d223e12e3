import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDebianOci, skopeoCopy } from '../support/images.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

/**
 * The whole scan as a user runs it: a real Debian image (this machine's own dpkg database in a
 * layer), an OSV database imported through the CLI with records that bracket the real installed
 * versions, and the gate deciding the exit code.
 */
const tmp = tempDir('churn-scan-');
const osvDir = join(tmp.dir, 'osv');
const db = join(tmp.dir, 'osv.db');
let archive = '';
let layout = '';
const [glibcSource, glibcVersion] = execFileSync('dpkg-query', ['-W', '-f', '${source:Package} ${source:Version}', 'libc6'], { encoding: 'utf8' }).trim().split(' ');
const glibcBinaries = execFileSync('dpkg-query', ['-W', '-f', '${source:Package} ${Package} ${db:Status-Abbrev}\n'], { encoding: 'utf8' })
  .split('\n')
  .filter((l) => l.startsWith(`${glibcSource} `) && l.endsWith('ii '))
  .map((l) => l.split(' ')[1])
  .sort();
const packageCount = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}\n'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('ii')).length;

function osv(id: string, ecosystem: string, name: string, events: Record<string, string>[], vector?: string) {
  return {
    id,
    modified: '2026-01-01T00:00:00Z',
    published: '2025-12-01T00:00:00Z',
    summary: `${name}: test advisory ${id}`,
    aliases: [`CVE-2099-${id.slice(-4)}`],
    affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events }] }],
    ...(vector ? { severity: [{ type: 'CVSS_V3', score: vector }] } : {}),
    references: [{ type: 'ADVISORY', url: `https://example.org/${id}` }],
  };
}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

beforeAll(async () => {
  layout = await buildDebianOci(join(tmp.dir, 'img'));
  archive = join(tmp.dir, 'debian.tar');
  await skopeoCopy(`oci:${layout}:bookworm`, `docker-archive:${archive}:local/debian:bookworm`);
  mkdirSync(osvDir, { recursive: true });
  const records = [
    // Affects the installed glibc: fixed only in a later version.
    osv('DSA-9999-0001', 'Debian:12', glibcSource, [{ introduced: '0' }, { fixed: `${glibcVersion}+fix1` }], 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'),
    // Fixed long before the installed version: must not be reported.
    osv('DSA-9999-0002', 'Debian:12', glibcSource, [{ introduced: '0' }, { fixed: '2.0-1' }], 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'),
    // Right package, other release: must not be reported.
    osv('DSA-9999-0003', 'Debian:11', glibcSource, [{ introduced: '0' }]),
    osv('GHSA-test-0004', 'npm', 'left-pad', [{ introduced: '0' }, { fixed: '1.3.1' }], 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'),
  ];
  records.forEach((r) => writeFileSync(join(osvDir, `${r.id}.json`), JSON.stringify(r)));
  writeFileSync(join(osvDir, 'broken.json'), '{"id": 12}');
  const imp = await runCli('vuln-db', 'import', osvDir, '--db', db);
  expect(imp.code).toBe(0);
}, 180_000);

describe('churn vuln-db', () => {
  it('imports records, skips a bad one, and reports status', async () => {
    const r = await runCli('vuln-db', 'status', '--db', db, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.records).toBe(4);
    expect(s.skipped).toBe(1);
    expect(s.ecosystems['Debian:12']).toBe(2);
  });
  it('names a missing database', async () => {
    const r = await runCli('vuln-db', 'status', '--db', join(tmp.dir, 'none.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no vulnerability database at .*none\.db/);
  });
});

describe('churn security-scan', () => {
  it('finds the advisory that brackets the installed version, in the Trivy layout, and fails the gate', async () => {
    const out = join(tmp.dir, 'report.json');
    const r = await runCli('security-scan', `docker-archive:${archive}`, '--db', db, '--format', 'json', '--output', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('security gate failed');
    expect(r.stderr).toContain('HIGH finding');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.SchemaVersion).toBe(2);
    expect(report.Metadata.OS).toEqual({ Family: 'debian', Name: '12' });
    const vulns = report.Results.flatMap((x: { Vulnerabilities?: unknown[] }) => x.Vulnerabilities ?? []) as { VulnerabilityID: string; PkgName: string; FixedVersion: string; Severity: string; InstalledVersion: string }[];
    expect([...new Set(vulns.map((v) => v.VulnerabilityID))]).toEqual(['DSA-9999-0001']);
    expect(vulns.map((v) => v.PkgName).sort()).toEqual(glibcBinaries);
    expect(vulns[0]).toMatchObject({ Severity: 'HIGH', FixedVersion: `${glibcVersion}+fix1` });
  });

  it('gives the same findings for the OCI layout, and passes when the threshold allows them', async () => {
    process.env.MAX_HIGH_VULNERABILITIES = '100';
    const r = await runCli('security-scan', `oci:${layout}:bookworm`, '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Total: \d+ \(CRITICAL: 0, HIGH: \d+/);
    expect(r.stdout).toContain('DSA-9999-0001');
    expect(r.stdout).toContain('Gate: passed');
  });

  it('writes a valid CycloneDX SBOM of every installed package', async () => {
    process.env.FAIL_ON_VULNERABILITIES = 'false';
    const r = await runCli('security-scan', `docker-archive:${archive}`, '--db', db, '--format', 'cyclonedx');
    expect(r.code).toBe(0);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(r.stdout)).toBeNull();
    const doc = JSON.parse(r.stdout);
    expect(doc.components.filter((c: { purl?: string }) => c.purl?.startsWith('pkg:deb/debian/')).length).toBe(packageCount);
  });

  it('filters what is shown with --severity while the gate still counts everything', async () => {
    const r = await runCli('security-scan', `docker-archive:${archive}`, '--db', db, '--format', 'json', '--severity', 'LOW,MEDIUM');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.Results.flatMap((x: { Vulnerabilities?: unknown[] }) => x.Vulnerabilities ?? [])).toEqual([]);
  });

  it('scans a folder with a lock file', async () => {
    const app = join(tmp.dir, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(
      join(app, 'package-lock.json'),
      JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app' }, 'node_modules/left-pad': { version: '1.3.0' } } }),
    );
    const r = await runCli('security-scan', `fs:${app}`, '--db', db, '--format', 'json');
    expect(r.code).toBe(0); // one MEDIUM finding is within the default limit of five
    const report = JSON.parse(r.stdout);
    expect(report.ArtifactType).toBe('filesystem');
    expect(report.Results[0]).toMatchObject({ Target: expect.stringContaining('package-lock.json'), Class: 'lang-pkgs', Type: 'node-pkg' });
    expect(report.Results[0].Vulnerabilities[0]).toMatchObject({ VulnerabilityID: 'GHSA-test-0004', FixedVersion: '1.3.1', Severity: 'MEDIUM' });
  });

  it('reports bad usage and a missing trivy clearly', async () => {
    const bad = await runCli('security-scan', 'docker-archive:/nonexistent.tar', '--db', db);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('/nonexistent.tar');
    const fmt = await runCli('security-scan', `fs:${tmp.dir}`, '--format', 'pdf');
    expect(fmt.code).toBe(2);
    process.env.PATH = '/nonexistent';
    const trivy = await runCli('security-scan', `docker-archive:${archive}`, '--backend', 'trivy');
    expect(trivy.code).toBe(3);
    expect(trivy.stderr).toMatch(/needs the trivy binary on PATH/);
  });

  it('runs the configuration scanner on a folder and on an image config, feeding the same report and gate', async () => {
    const app = join(tmp.dir, 'deploy');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'Dockerfile'), 'FROM debian:latest\nRUN apt-get update && apt-get install -y curl\nEXPOSE 22\nCMD ["bash"]\n');
    writeFileSync(
      join(app, 'deploy.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: app:latest\n          securityContext:\n            privileged: true\n',
    );
    const r = await runCli('security-scan', `fs:${app}`, '--scanners', 'config', '--format', 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const results = report.Results.filter((x: { Class: string }) => x.Class === 'config');
    expect(results.map((x: { Target: string; Type: string }) => [x.Target, x.Type]).sort()).toEqual([
      ['Dockerfile', 'dockerfile'],
      ['deploy.yaml', 'kubernetes'],
    ]);
    const dockerfile = results.find((x: { Target: string }) => x.Target === 'Dockerfile');
    const ids = dockerfile.Misconfigurations.map((m: { ID: string }) => m.ID);
    expect(ids).toContain('CP-DF-001'); // runs as root
    const privileged = results.find((x: { Target: string }) => x.Target === 'deploy.yaml').Misconfigurations.find((m: { AVDID?: string }) => m.AVDID === 'KSV017');
    expect(privileged).toMatchObject({ Status: 'FAIL', CauseMetadata: { StartLine: 14 } });
    const table = await runCli('security-scan', `fs:${app}`, '--scanners', 'config');
    expect(table.stdout).toMatch(/Configuration: \d+ findings/);
    // The image built from this machine's dpkg database runs as user 1000 and has no healthcheck.
    process.env.FAIL_ON_VULNERABILITIES = 'false';
    const img = await runCli('security-scan', `docker-archive:${archive}`, '--scanners', 'config', '--format', 'json');
    expect(img.code).toBe(0);
    const imgIds = JSON.parse(img.stdout).Results.flatMap((x: { Misconfigurations?: { ID: string }[] }) => x.Misconfigurations ?? []).map((m: { ID: string }) => m.ID);
    expect(imgIds).toContain('CP-IMG-003');
    expect(imgIds).not.toContain('CP-IMG-001');
  });

  it('runs the secret scanner on a folder: plain files, base64 Kubernetes Secret data, the ignore file, redaction', async () => {
    const app = join(tmp.dir, 'secrets');
    mkdirSync(join(app, 'fixtures'), { recursive: true });
    // Built from pieces so this test file holds no live-looking token.
    const token = ['gh', 'p_', 'R7x9Kq2LmN4vT8wZ3yB6cD1eF5gH0jA2sU7i'].join('');
    const aws = ['AKIA', 'Q3XZ7R2M5N8P4K6W'].join('');
    writeFileSync(join(app, '.env'), `GITHUB_TOKEN=${token}\n`);
    writeFileSync(join(app, 'fixtures', 'fake.env'), `GITHUB_TOKEN=${token}\n`);
    writeFileSync(join(app, '.churnignore'), 'fixtures/\n');
    writeFileSync(join(app, 'secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  AWS_ACCESS_KEY_ID: ${Buffer.from(aws).toString('base64')}\n`);
    const r = await runCli('security-scan', `fs:${app}`, '--scanners', 'secret', '--format', 'json');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(token);
    expect(r.stdout).not.toContain(aws);
    const results = JSON.parse(r.stdout).Results.filter((x: { Class: string }) => x.Class === 'secret');
    expect(results.map((x: { Target: string }) => x.Target).sort()).toEqual(['.env', 'secret.yaml']);
    const env = results.find((x: { Target: string }) => x.Target === '.env').Secrets[0];
    expect(env).toMatchObject({ Category: expect.any(String), StartLine: 1 });
    expect(env.RuleID).toMatch(/github/i);
  });
});
