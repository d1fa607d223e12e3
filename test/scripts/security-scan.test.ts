import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { skopeoCopy } from '../support/images.js';
import { tempDir } from '../support/tmp.js';
import { AWS_KEY_ID, AWS_SECRET, buildImages, buildVulnDb } from '../security/report/scan-fixtures.js';

/**
 * scripts/security-scan.sh as a CI job runs it: bash, in a checkout made like a fresh clone (the
 * sources, node_modules, no dist/), against real images and a real vulnerability database.
 */
const repo = process.cwd();
const tmp = tempDir('churn-script-');
const clone = join(tmp.dir, 'clone');
const script = join(clone, 'scripts', 'security-scan.sh');
const REPORTS = ['config-report.json', 'results.sarif', 'sbom.cdx.json', 'secrets-report.json', 'summary.md', 'vulnerability-report.json'];
let db = '';
let layout = '';
let archive = '';

/** The caller's gate settings must not leak into the script's runs. */
const DROP = ['MAX_CRITICAL_VULNERABILITIES', 'MAX_HIGH_VULNERABILITIES', 'MAX_MEDIUM_VULNERABILITIES', 'FAIL_ON_VULNERABILITIES', 'SECURITY_REPORTS_DIR', 'SECURITY_SCANNERS', 'CHURN_SCAN_ARGS', 'GITHUB_STEP_SUMMARY'];

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !DROP.includes(k) && !k.startsWith('npm_') && k !== 'DATABASE_URL'));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: tmp.dir, env: { ...base, DATA_DIR: join(tmp.dir, 'data'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const runScript = (args: string[], env: Record<string, string> = {}) => run('bash', [script, ...args], env);
/** The clone's own CLI, with the same data directory (and so the same scan history) as the script. */
const runNode = (args: string[]) => run('node', [join(clone, 'bin', 'churn.js'), ...args]);

const json = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const classes = (report: { Results: { Class: string }[] }) => [...new Set(report.Results.map((r) => r.Class))].sort();

beforeAll(async () => {
  mkdirSync(clone, { recursive: true });
  for (const d of ['src', 'bin', 'scripts']) cpSync(join(repo, d), join(clone, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(repo, f), join(clone, f));
  symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'), 'dir');
  db = await buildVulnDb(tmp.dir);
  layout = await buildImages(tmp.dir);
  archive = join(tmp.dir, 'good.tar');
  await skopeoCopy(`oci:${layout}:good`, `docker-archive:${archive}:local/good:1`);
}, 120_000);

describe('scripts/security-scan.sh', () => {
  it('builds a fresh clone, writes all six reports, prints the summary and exits 1 when the gate fails', async () => {
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    const out = join(tmp.dir, 'bad-reports');
    const r = await runScript([`oci:${layout}:bad`, out, '--', '--db', db]);
    expect(r.stderr).toContain('building dist/');
    expect(existsSync(join(clone, 'dist', 'cli', 'main.js'))).toBe(true);
    expect(r.code, r.stderr).toBe(1);
    expect(readdirSync(out).sort()).toEqual(REPORTS);

    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(r.stdout).toBe(summary);
    expect(summary).toContain('## Gate: FAILED');
    expect(summary).toContain('CRITICAL finding');
    expect(r.stderr).toContain('security gate failed');

    const vulns = json(out, 'vulnerability-report.json');
    expect(vulns.SchemaVersion).toBe(2);
    expect(classes(vulns)).toEqual(['lang-pkgs', 'os-pkgs']);
    const ids = vulns.Results.flatMap((x: { Vulnerabilities?: { VulnerabilityID: string }[] }) => x.Vulnerabilities ?? []).map((v: { VulnerabilityID: string }) => v.VulnerabilityID);
    expect(ids.sort()).toEqual(['DSA-TEST-0001', 'DSA-TEST-0002', 'GHSA-test-0003']);
    expect(classes(json(out, 'secrets-report.json'))).toEqual(['secret']);
    const config = json(out, 'config-report.json');
    expect(classes(config)).toEqual(['config']);
    expect(config.Results.flatMap((x: { Misconfigurations: { ID: string }[] }) => x.Misconfigurations.map((m) => m.ID))).toContain('CP-K8S-005');

    const sarif = json(out, 'results.sarif');
    expect(sarif.version).toBe('2.1.0');
    const ruleIds = sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId);
    expect(ruleIds).toEqual(expect.arrayContaining(['DSA-TEST-0001', 'CP-K8S-005', 'aws-access-key-id']));
    expect(sarif.runs[0].properties.gate.passed).toBe(false);
    const sbom = readFileSync(join(out, 'sbom.cdx.json'), 'utf8');
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(sbom)).toBeNull();
    expect(JSON.parse(sbom).components.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['libssl3', 'zlib1g', 'left-pad']));

    for (const name of REPORTS) expect(readFileSync(join(out, name), 'utf8'), name).not.toContain(AWS_KEY_ID);
    // The Trivy-layout JSON copies the image config (Env included) into its Metadata, as Trivy does;
    // the reports written here for people and dashboards carry only the redacted match.
    for (const name of ['results.sarif', 'summary.md', 'sbom.cdx.json']) expect(readFileSync(join(out, name), 'utf8'), name).not.toContain(AWS_SECRET);
  }, 300_000);

  it('exits 0 for a passing docker-archive image, with flags and folder from the environment, rebuilding a stale dist/', async () => {
    // Sources newer than the build: the script must rebuild before it scans.
    const main = join(clone, 'dist', 'cli', 'main.js');
    const past = new Date(Date.now() - 3600_000);
    utimesSync(main, past, past);
    const out = join(tmp.dir, 'good-reports');
    const stepSummary = join(tmp.dir, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const r = await runScript([`docker-archive:${archive}`], { SECURITY_REPORTS_DIR: out, CHURN_SCAN_ARGS: `--db ${db}`, GITHUB_STEP_SUMMARY: stepSummary });
    expect(r.stderr).toContain('building dist/');
    expect(statSync(main).mtimeMs).toBeGreaterThan(past.getTime() + 1000);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(REPORTS);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('## Gate: PASSED');
    expect(summary).toContain(`docker-archive:${archive}`);
    expect(r.stdout).toBe(summary);
    expect(readFileSync(stepSummary, 'utf8')).toBe(`# earlier step\n${summary}`);
    expect(json(out, 'results.sarif').runs[0].properties.gate.passed).toBe(true);
    expect(json(out, 'vulnerability-report.json').Results.flatMap((x: { Vulnerabilities?: unknown[] }) => x.Vulnerabilities ?? [])).toEqual([]);

    // A second run reuses the build and replaces the reports.
    const again = await runScript([`docker-archive:${archive}`, out, '--', '--db', db]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('building dist/');
    expect(readdirSync(out).sort()).toEqual(REPORTS);

    // Several churn runs per script run, but one stored scan: only the gate run records.
    const history = await runNode(['security-history', `docker-archive:${archive}`, '--format', 'json']);
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout).scans).toHaveLength(2);
  }, 300_000);

  it('exits 2 on bad usage or input and 3 on an environment failure, leaving earlier reports as they were', async () => {
    const out = join(tmp.dir, 'kept');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'summary.md'), 'from an earlier run\n');

    const help = await runScript(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: scripts/security-scan.sh');
    expect(help.stdout).toContain('CHURN_SCAN_ARGS');

    const none = await runScript([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('IMAGE is required');
    const extra = await runScript(['a', 'b', 'c']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unexpected argument c');
    const reserved = await runScript([`oci:${layout}:bad`, out, '--', '--format', 'json']);
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('--format is set by this script');

    const missing = await runScript(['docker-archive:/nonexistent/image.tar', out, '--', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/image.tar');
    const noDb = await runScript([`oci:${layout}:bad`, out], { CHURN_SCAN_ARGS: `--db ${join(tmp.dir, 'none.db')}` });
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain('none.db');

    const noTrivy = await runScript([`oci:${layout}:bad`, out, '--', '--backend', 'trivy']);
    expect(noTrivy.code).toBe(3);
    expect(noTrivy.stderr).toContain('trivy');

    expect(readdirSync(out)).toEqual(['summary.md']);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toBe('from an earlier run\n');
  }, 300_000);
});
