import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

/** security-scan judged by a policy file: its thresholds decide the gate, the environment overrides them. */
const tmp = tempDir('churn-scan-policy-');
const project = readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'policies', 'security-policies.yaml'), 'utf8');

function policyWithMedium(limit: number): string {
  const text = project.replace(/(\nthresholds:\n(?:\s+#.*\n|\s+\w+: \w+\n)*?\s+medium: )\d+/, `$1${limit}`);
  if (text === project) throw new Error('the project policy file has no thresholds.medium to change');
  return tmp.file(`policy-medium-${limit}.yaml`, text);
}

describe('security-scan --policy', () => {
  // Two MEDIUM configuration findings and nothing above: within the default limit of 5.
  const dir = join(tmp.dir, 'src');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:20.11.1-bookworm-slim@sha256:' + 'a'.repeat(64) + '\nUSER 1000\nRUN apt-get install curl\nHEALTHCHECK CMD node -e "1"\n');

  it('fails the gate on the policy file’s thresholds, and an environment variable overrides them', async () => {
    const base = await runCli('security-scan', `fs:${dir}`, '--scanners', 'config', '--no-record', '--format', 'json');
    const mediums = (JSON.parse(base.stdout) as { Results: { Misconfigurations?: { Severity: string }[] }[] }).Results.flatMap((r) => r.Misconfigurations ?? []).filter((m) => m.Severity === 'MEDIUM');
    expect(base.code).toBe(0);
    expect(mediums.length).toBeGreaterThan(0);
    expect(mediums.length).toBeLessThanOrEqual(5);

    const strict = await runCli('security-scan', `fs:${dir}`, '--scanners', 'config', '--no-record', '--policy', policyWithMedium(0));
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/MEDIUM/);

    process.env.MAX_MEDIUM_VULNERABILITIES = '10';
    try {
      const overridden = await runCli('security-scan', `fs:${dir}`, '--scanners', 'config', '--no-record', '--policy', policyWithMedium(0));
      expect(overridden.code).toBe(0);
    } finally {
      delete process.env.MAX_MEDIUM_VULNERABILITIES;
    }
  });

  it('a policy file that cannot be read is an input error naming it', async () => {
    const missing = await runCli('security-scan', `fs:${dir}`, '--scanners', 'config', '--no-record', '--policy', join(tmp.dir, 'none.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('none.yaml');
    const bad = await runCli('security-scan', `fs:${dir}`, '--scanners', 'config', '--no-record', '--policy', tmp.file('bad.yaml', 'version: 1\nthresholds: {medium: many}\n'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/thresholds/);
  });
});
