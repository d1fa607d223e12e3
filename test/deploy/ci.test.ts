import { describe, expect, it } from 'vitest';
import { compileIgnore, DEFAULT_SKIPS } from '../../src/security/secrets/index.js';
import { at, isObj, list, parseYamlFile, type Obj } from './files.js';

const workflow = parseYamlFile('.github/workflows/security.yml')[0] as Obj;
const jobs = at(workflow, 'jobs') as Record<string, Obj>;
const steps = Object.values(jobs).flatMap((j) => list(j.steps).filter(isObj));

describe('the GitHub security workflow', () => {
  it('runs on every push to main and every pull request', () => {
    expect(Object.keys(at(workflow, 'on') as Obj)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it('scans the built image with scripts/security-scan.sh after refreshing the OSV database, and a failed gate fails the job', () => {
    const names = list(jobs.image.steps).filter(isObj).map((s) => String(s.run ?? s.uses ?? ''));
    const build = names.findIndex((r) => /docker build/.test(r));
    const update = names.findIndex((r) => /vuln-db update/.test(r));
    const scan = names.findIndex((r) => r.includes('scripts/security-scan.sh'));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(update).toBeGreaterThan(build);
    expect(scan).toBeGreaterThan(update);
    expect(names[scan]).not.toContain('--ignore-file');
    for (const s of steps) expect(s['continue-on-error'] ?? false, String(s.name)).toBe(false);
    for (const j of Object.values(jobs)) expect(j['continue-on-error'] ?? false).toBe(false);
  });

  it('keeps security-reports/ and sends the SARIF to code scanning, even when the gate failed', () => {
    const artifact = steps.find((s) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(artifact?.if).toBe('always()');
    expect(at(artifact, 'with.path')).toBe('security-reports/');
    const sarif = steps.find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));
    expect(String(sarif?.if)).toMatch(/^always\(\)/);
    expect(at(sarif, 'with.sarif_file')).toBe('security-reports/results.sarif');
  });

  it('pins every action by commit and grants write access only where SARIF is uploaded', () => {
    for (const s of steps.filter((x) => x.uses !== undefined)) expect(String(s.uses)).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    expect(at(workflow, 'permissions')).toEqual({ contents: 'read' });
    expect(at(jobs.image, 'permissions')).toEqual({ contents: 'read', 'security-events': 'write' });
    expect(jobs.source.permissions).toBeUndefined();
  });

  it('runs the built image with the flags the policies demand', () => {
    const run = list(jobs.image.steps).filter(isObj).map((s) => String(s.run ?? '')).find((r) => r.includes('docker run'));
    for (const flag of ['--read-only', '--cap-drop ALL', '--user 1000:1000', '--security-opt no-new-privileges']) expect(run).toContain(flag);
    expect(run).toContain('REQUIRE_AUTH_FOR_PREDICT=true');
    expect(run).toMatch(/docker stop -t 20/);
  });
});

describe('the image scan without an ignore file', () => {
  it('skips third-party packages and operating-system files by the secret scanner’s defaults alone', () => {
    const skip = compileIgnore(DEFAULT_SKIPS);
    for (const p of ['/app/node_modules/ioredis/built/utils/index.js', '/usr/lib/x86_64-linux-gnu/perl-base/Cwd.pm', '/usr/share/perl5/Debconf/DbDriver/LDAP.pm']) expect(skip.ignores(p), p).toBe(true);
    for (const p of ['/app/dist/cli/main.js', '/app/.env', '/app/model/model.json', '/etc/passwd', '/etc/ssl/openssl.cnf', '/usr/bin/c_rehash', '/root/.npmrc', '/home/node/.ssh/id_rsa', '/data/churn.db', '/usr/local/bin/node', '/tmp/x']) {
      expect(skip.ignores(p), p).toBe(false);
    }
  });
});
