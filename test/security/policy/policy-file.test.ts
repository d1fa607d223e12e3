import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { checkSecurityPolicies, imagePolicyFrom, loadPolicyFile, parsePolicyFile, PolicyFileError, remediationDaysFrom, thresholdsFrom } from '../../../src/security/policy/index.js';
import type { PolicyFile } from '../../../src/security/policy/index.js';
import { evaluateThresholds } from '../../../src/security/policy/thresholds.js';
import { codeOfAsync } from '../../support/errors.js';
import { tempDir } from '../../support/tmp.js';
import { REPO_POLICY_FILE } from './hardened-tree.js';

const REPO = readFileSync(REPO_POLICY_FILE, 'utf8');
const where = { path: '/srv/app/deploy/policies/security-policies.yaml', displayPath: 'deploy/policies/security-policies.yaml' };

function problemsOf(text: string): PolicyFileError {
  try {
    parsePolicyFile(text, where);
  } catch (e) {
    if (e instanceof PolicyFileError) return e;
    throw e;
  }
  throw new Error('the policy file was accepted');
}

/** The line of the first occurrence of `text` in `doc`, 1-based. */
function lineOf(doc: string, text: string): number {
  const at = doc.indexOf(text);
  if (at < 0) throw new Error(`not in the document: ${text}`);
  return doc.slice(0, at).split('\n').length;
}

function replaced(from: string, to: string): string {
  if (!REPO.includes(from)) throw new Error(`not in the policy file: ${from}`);
  return REPO.replace(from, to);
}

describe('the repository policy file', () => {
  it('declares the thirteen policies of the three areas with their enforcement', () => {
    const p = parsePolicyFile(REPO, where);
    expect(p.policies.map((x) => [x.id, x.area, x.enforcement])).toEqual([
      ['non-root-user', 'runtime', 'required'],
      ['read-only-root-filesystem', 'runtime', 'required'],
      ['no-privileged-containers', 'runtime', 'required'],
      ['drop-all-capabilities', 'runtime', 'required'],
      ['resource-limits', 'runtime', 'required'],
      ['isolated-network', 'network', 'required'],
      ['only-port-8000', 'network', 'required'],
      ['whitelist-ingress', 'network', 'required'],
      ['egress-filtering', 'network', 'recommended'],
      ['vulnerability-scanning', 'image', 'required'],
      ['no-latest-tags', 'image', 'required'],
      ['signature-verification', 'image', 'optional'],
      ['trusted-registries', 'image', 'required'],
    ]);
    expect(p.thresholds).toEqual({ critical: 0, high: 0, medium: 5, low: null });
    expect(p.remediationDueDays).toEqual({ critical: 0, high: 7, medium: 30, low: null });
    expect(p.trustedRegistries).toContain('docker.io/library');
    expect(p.policies.find((x) => x.id === 'resource-limits')?.checks[0].params).toEqual({ kinds: ['Deployment'], limits: { memory: '1Gi', cpu: '1000m' }, requests: { memory: '512Mi', cpu: '500m' } });
  });
});

describe('bad policy files', () => {
  it.each([
    ['an unknown enforcement', 'enforcement: recommended\n', 'enforcement: maybe\n', 'policies[8].enforcement', /must be one of required, recommended, optional, got "maybe"/],
    ['an unknown area', 'area: image\n    enforcement: optional', 'area: storage\n    enforcement: optional', 'policies[11].area', /must be one of runtime, network, image/],
    ['a threshold that is not a count', 'medium: 5', 'medium: five', 'thresholds.medium', /whole number from 0 to 1000000 or unlimited, got "five"/],
    ['a due date that is negative', 'high: 7', 'high: -7', 'remediation_due_days.high', /whole number from 0 to 3650 or none, got -7/],
    ['an unknown check type', 'type: default-deny', 'type: default-allow', 'policies[5].checks[1].type', /unknown check type "default-allow" \(known: misconfig, /],
    ['an unknown configuration check id', 'ids: [CP-K8S-003, CP-DC-003]', 'ids: [CP-K8S-003, CP-DC-303]', 'policies[1].checks[0].ids[1]', /unknown check id "CP-DC-303"/],
    ['a misspelt field', '    description: The root filesystem', '    descripton: The root filesystem', 'policies[1].descripton', /unknown field/],
    ['a resource that is not a quantity', 'limits: {memory: 1Gi, cpu: 1000m}', 'limits: {memory: 1 gigabyte, cpu: 1000m}', 'policies[4].checks[0].limits.memory', /must be a Kubernetes quantity/],
    ['a bad trusted registry', '  - gcr.io/distroless\n', '  - "https://gcr.io"\n', `trusted_registries[${parsePolicyFile(REPO, where).trustedRegistries?.indexOf('gcr.io/distroless')}]`, /must be a registry host/],
    ['a workflow check without its command', '        run: scripts/security-scan.sh\n', '', 'policies[9].checks[0].run', /is required/],
  ])('%s names the field and its line', (_what, from, to, path, message) => {
    const text = replaced(from, to);
    const e = problemsOf(text);
    expect(e.code).toBe('BAD_POLICY_FILE');
    const p = e.problems.find((x) => x.path === path);
    expect(p, JSON.stringify(e.problems)).toBeDefined();
    expect(p?.message).toMatch(message);
    if (to !== '') expect(p?.line).toBe(lineOf(text, to.trim().split('\n')[0]));
    // One problem: "file:line: path: message"; several: "file: N problems" then "  line L: path: message".
    const at = e.problems.length === 1 ? `deploy/policies/security-policies.yaml:${p?.line}: ` : `  line ${p?.line}: `;
    expect(e.message).toContain(`${at}${path}: `);
  });

  it('lists every problem at once, each with its line', () => {
    const text = replaced('version: 1', 'version: 2').replace('id: egress-filtering', 'id: non-root-user').replace('project_image: churn-predictor', 'project_image: Churn Predictor');
    const e = problemsOf(text);
    expect(e.problems.map((p) => p.path)).toEqual(['version', 'project_image', 'policies[8].id']);
    expect(e.problems[2].message).toBe(`duplicate id "non-root-user" (first on line ${lineOf(text, 'id: non-root-user')})`);
    expect(e.message).toMatch(/^deploy\/policies\/security-policies\.yaml: 3 problems\n {2}line 6: version: must be 1, got 2\n/);
  });

  it('YAML syntax errors and duplicate keys are reported with their line', () => {
    expect(problemsOf('version: 1\npolicies: [\n').message).toMatch(/^deploy\/policies\/security-policies\.yaml:\d+: not valid YAML/);
    const dup = problemsOf('version: 1\nversion: 1\n');
    expect(dup.problems[0]).toMatchObject({ line: 2, message: expect.stringMatching(/not valid YAML: Map keys must be unique/) });
    expect(problemsOf('- a\n- b\n').message).toMatch(/must be a mapping/);
  });

  it('signature requirements need images and keys or identities; identities need a trusted root', () => {
    const text = replaced('  requirements: []\n', '  requirements:\n    - keys: [k.pub]\n    - images: [x]\n      identities: [{issuer: https://issuer.example}]\n');
    const e = problemsOf(text);
    expect(e.problems.map((p) => [p.path, p.message])).toEqual([
      ['signatures.requirements[0].images', 'is required'],
      ['signatures.requirements[1].identities[0]', 'needs subject or subject_regexp'],
      ['signatures.requirements[1].trusted_root', 'is required with identities (keyless verification checks certificates against it)'],
    ]);
  });

  it('a missing policy file or deploy folder is a usage error (exit 2)', async () => {
    expect(await codeOfAsync(loadPolicyFile('/nonexistent/security-policies.yaml'))).toBe('POLICY_FILE_NOT_FOUND');
    expect(await codeOfAsync(checkSecurityPolicies({ deployDir: '/nonexistent/deploy', config: loadConfig({}) }))).toBe('DEPLOY_DIR_NOT_FOUND');
  });
});

describe('thresholds, due days and the image policy for the signature scanner', () => {
  const policy = parsePolicyFile(REPO, where);

  it('the policy file sets the gate; each environment variable that is set overrides its severity', () => {
    expect(thresholdsFrom(policy, loadConfig({}))).toEqual({ maxCritical: 0, maxHigh: 0, maxMedium: 5, failOnVulnerabilities: true });
    const t = thresholdsFrom(policy, loadConfig({ MAX_HIGH_VULNERABILITIES: '2', MAX_LOW_VULNERABILITIES: '40', FAIL_ON_VULNERABILITIES: 'false' }));
    expect(t).toEqual({ maxCritical: 0, maxHigh: 2, maxMedium: 5, maxLow: 40, failOnVulnerabilities: false });
    const lenient: PolicyFile = { ...policy, thresholds: { critical: 0, high: 3, medium: null, low: 10 } };
    expect(thresholdsFrom(lenient, loadConfig({}))).toMatchObject({ maxHigh: 3, maxLow: 10 });
    const gate = evaluateThresholds(Array(1000).fill({ severity: 'MEDIUM' }), thresholdsFrom(lenient, loadConfig({})));
    expect(gate.passed).toBe(true);
  });

  it('due days come from the policy file unless VULN_DUE_DAYS_* is set', () => {
    expect(remediationDaysFrom(policy, loadConfig({}))).toEqual({ critical: 0, high: 7, medium: 30, low: null });
    expect(remediationDaysFrom(policy, loadConfig({ VULN_DUE_DAYS_HIGH: '3', VULN_DUE_DAYS_LOW: '90', VULN_DUE_DAYS_MEDIUM: 'none' }))).toEqual({ critical: 0, high: 3, medium: null, low: 90 });
  });

  it('imagePolicyFrom resolves key and trusted-root paths against the policy file and copies the allow-list', async () => {
    const tmp = tempDir('churn-imgpol-');
    const text = replaced('  requirements: []\n', [
      '  requirements:',
      '    - images: ["ghcr.io/acme/churn-predictor*"]',
      '      keys: [keys/cosign.pub, /etc/keys/other.pub]',
      '      annotations: {team: ml, build: 7}',
      '    - images: ["ghcr.io/acme/*"]',
      '      identities:',
      '        - subject_regexp: "^https://github.com/acme/"',
      '          issuer: https://token.actions.githubusercontent.com',
      '      trusted_root: ../trust/root.json',
      '',
    ].join('\n'));
    const file = tmp.file('security-policies.yaml', text);
    const p = await loadPolicyFile(file);
    expect(imagePolicyFrom(p)).toEqual({
      requirements: [
        { images: ['ghcr.io/acme/churn-predictor*'], keys: [`${tmp.dir}/keys/cosign.pub`, '/etc/keys/other.pub'], annotations: { team: 'ml', build: '7' } },
        {
          images: ['ghcr.io/acme/*'],
          identities: [{ subjectRegExp: '^https://github.com/acme/', issuer: 'https://token.actions.githubusercontent.com' }],
          trustedRoot: `${tmp.dir.replace(/\/[^/]+$/, '')}/trust/root.json`,
        },
      ],
      trustedRegistries: policy.trustedRegistries,
    });
    expect(p.policies.find((x) => x.id === 'signature-verification')?.requiredWhen).toBe('signatures_configured');
    const noList = parsePolicyFile(REPO.replace(/trusted_registries:\n( {2}- .*\n)+/, ''), where);
    expect(imagePolicyFrom(noList).trustedRegistries).toBeNull();
  });
});
