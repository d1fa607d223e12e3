import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { edit, writeHardenedTree } from '../security/policy/hardened-tree.js';

const tmp = tempDir('churn-policies-cli-');
const good = join(tmp.dir, 'good');
const bad = join(tmp.dir, 'bad');

beforeAll(() => {
  writeHardenedTree(good);
  cpSync(good, bad, { recursive: true });
  edit(bad, 'deploy/k8s/deployment.yaml', 'readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false');
});

afterEach(() => {
  delete process.env.MAX_HIGH_VULNERABILITIES;
});

describe('churn security-policies', () => {
  it('prints the tables grouped by area and the thresholds; exit 0 when every required policy is enabled', async () => {
    const r = await runCli('security-policies', '--deploy', join(good, 'deploy'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Runtime\n {2}Policy +Status +Enforcement +Description\n {2}Non-root user \(UID 1000\) +enabled +required +Containers run as UID 1000/m);
    expect(r.stdout).toMatch(/^Network\n/m);
    expect(r.stdout).toMatch(/^ {2}Egress filtering +enabled +recommended/m);
    expect(r.stdout).toMatch(/^ {2}Signature verification +recommended-missing +optional .*\n {6}deploy\/policies\/security-policies\.yaml:\d+: no signature requirements/m);
    expect(r.stdout).toMatch(/^Thresholds\n {2}Severity +Max findings +Source +Remediation due +Source\n {2}CRITICAL +0 +policy file +immediately/m);
    expect(r.stdout).toMatch(/^ {2}LOW +unlimited +policy file +no deadline/m);
    expect(r.stdout).toContain('13 policies: 12 enabled, 1 recommended-missing, 0 violated');
  });

  it('exit 1 (POLICY_VIOLATED) naming the violated policy, with the reason under it in the table', async () => {
    const r = await runCli('security-policies', '--deploy', join(bad, 'deploy'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('churn: 1 required security policy is violated: read-only-root-filesystem\n');
    expect(r.stdout).toMatch(/Read-only root filesystem +violated +required .*\n {6}deploy\/k8s\/deployment\.yaml:\d+: CP-K8S-003 Root filesystem is writable \(Deployment churn-predictor, container api\): readOnlyRootFilesystem is not true\./);
  });

  it('--format json: every policy with status, reasons and checks; the thresholds with their source', async () => {
    process.env.MAX_HIGH_VULNERABILITIES = '3';
    const r = await runCli('security-policies', '--deploy', join(bad, 'deploy'), '--format', 'json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schema_version: 1, policy_file: 'deploy/policies/security-policies.yaml', deploy_dir: 'deploy', passed: false, summary: { enabled: 11, recommended_missing: 1, violated: 1 } });
    expect(j.policies).toHaveLength(13);
    const ro = j.policies.find((p: { id: string }) => p.id === 'read-only-root-filesystem');
    expect(ro).toMatchObject({ status: 'violated', enforcement: 'required', area: 'runtime', checks: [{ type: 'misconfig', passed: false }] });
    expect(ro.reasons[0]).toMatchObject({ file: 'deploy/k8s/deployment.yaml', line: expect.any(Number) });
    expect(j.thresholds[1]).toEqual({ severity: 'high', max: 3, source: 'MAX_HIGH_VULNERABILITIES', due_days: 7, due_source: 'policy file' });
  });

  it('--format markdown: one table per area and the thresholds', async () => {
    const r = await runCli('security-policies', '--deploy', join(good, 'deploy'), '--format', 'markdown');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### Runtime\n\n| Policy | Status | Enforcement | Description |\n| --- | --- | --- | --- |\n| Non-root user (UID 1000) | enabled | required | Containers run as UID 1000, never as root. |\n');
    expect(r.stdout).toContain('| Signature verification | recommended-missing | optional | ');
    expect(r.stdout).toContain('### Thresholds\n\n| Severity | Max findings | Source | Remediation due | Source |\n| --- | --- | --- | --- | --- |\n| CRITICAL | 0 | policy file | immediately | policy file |\n');
  });

  it('--policy reads another policy file (a stricter one here: egress filtering required)', async () => {
    const other = tmp.file('strict.yaml', readFileSync(join(good, 'deploy/policies/security-policies.yaml'), 'utf8').replace('enforcement: recommended', 'enforcement: required'));
    const r = await runCli('security-policies', '--deploy', join(bad, 'deploy'), '--policy', other, '--format', 'json');
    const j = JSON.parse(r.stdout);
    expect(j.policy_file).toBe(other);
    expect(j.policies.find((p: { id: string }) => p.id === 'egress-filtering').enforcement).toBe('required');
    const strictGood = await runCli('security-policies', '--deploy', join(good, 'deploy'), '--policy', other);
    expect(strictGood.code).toBe(0);
  });

  it('exit 2 for a bad policy file, naming the file, line and field; for a missing deploy folder; for an unknown format', async () => {
    const broken = join(tmp.dir, 'broken');
    cpSync(good, broken, { recursive: true });
    edit(broken, 'deploy/policies/security-policies.yaml', 'enforcement: recommended', 'enforcement: nice-to-have');
    const r = await runCli('security-policies', '--deploy', join(broken, 'deploy'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^churn: deploy\/policies\/security-policies\.yaml:\d+: policies\[8\]\.enforcement: must be one of required, recommended, optional, got "nice-to-have"\n$/);
    expect(r.stdout).toBe('');

    const noDir = await runCli('security-policies', '--deploy', join(tmp.dir, 'nowhere'));
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/nowhere: the deploy folder does not exist/);

    const noPolicy = await runCli('security-policies', '--deploy', join(good, 'deploy'), '--policy', join(tmp.dir, 'none.yaml'));
    expect(noPolicy.code).toBe(2);
    expect(noPolicy.stderr).toMatch(/none\.yaml: cannot read the policy file/);

    const fmt = await runCli('security-policies', '--deploy', join(good, 'deploy'), '--format', 'xml');
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/--format must be one of table, json, markdown/);
  });
});
