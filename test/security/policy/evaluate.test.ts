import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { checkSecurityPolicies } from '../../../src/security/policy/index.js';
import type { PolicyReport, PolicyStatus } from '../../../src/security/policy/index.js';
import { tempDir } from '../../support/tmp.js';
import { edit, writeHardenedTree } from './hardened-tree.js';

const tmp = tempDir('churn-policy-');
const base = join(tmp.dir, 'hardened');
let baseline: PolicyReport;

async function evaluate(root: string): Promise<PolicyReport> {
  return (await checkSecurityPolicies({ deployDir: join(root, 'deploy'), config: loadConfig({}) })).report;
}

function statuses(r: PolicyReport): Record<string, PolicyStatus> {
  return Object.fromEntries(r.policies.map((p) => [p.id, p.status]));
}

let copies = 0;
/** A copy of the hardened tree with `change` applied. */
function variant(change: (root: string) => void): string {
  const root = join(tmp.dir, `variant-${++copies}`);
  cpSync(base, root, { recursive: true });
  change(root);
  return root;
}

beforeAll(async () => {
  writeHardenedTree(base);
  baseline = await evaluate(base);
});

describe('security policies against a hardened deploy tree', () => {
  it('every required policy is enabled; egress filtering is enabled; signatures are optional and not configured', () => {
    expect(baseline.policies.filter((p) => p.enforcement === 'required').map((p) => [p.id, p.status, p.reasons])).toEqual(
      baseline.policies.filter((p) => p.enforcement === 'required').map((p) => [p.id, 'enabled', []]),
    );
    expect(statuses(baseline)).toMatchObject({ 'egress-filtering': 'enabled', 'signature-verification': 'recommended-missing' });
    const sig = baseline.policies.find((p) => p.id === 'signature-verification');
    expect(sig?.enforcement).toBe('optional');
    expect(sig?.reasons[0]).toMatchObject({ file: 'deploy/policies/security-policies.yaml', message: expect.stringMatching(/no signature requirements/) });
    expect(baseline.summary).toEqual({ enabled: 12, recommendedMissing: 1, violated: 0, passed: true });
    expect(baseline.policies.map((p) => p.area)).toEqual([...Array(5).fill('runtime'), ...Array(4).fill('network'), ...Array(4).fill('image')]);
  });

  const D = 'deploy/k8s/deployment.yaml';
  const C = 'deploy/docker-compose.yml';
  const N = 'deploy/k8s/networkpolicies.yaml';
  // `also`: other policies the same change rightly affects (an Ingress-only default deny also leaves the CronJob's egress open).
  const cases: [policy: string, file: string, from: string, to: string, reason: RegExp, also?: Record<string, PolicyStatus>][] = [
    ['non-root-user', 'Dockerfile', 'USER 1000:1000', 'USER 0', /USER is UID 0; the policy requires USER 1000/],
    ['non-root-user', 'Dockerfile', 'USER 1000:1000', 'USER node', /not a numeric UID/],
    ['non-root-user', D, '        runAsUser: 1000\n        runAsGroup', '        runAsUser: 0\n        runAsGroup', /CP-K8S-002.*runAsUser is 0 \(root\)/],
    ['non-root-user', C, 'user: "1000:1000"', 'user: "0:0"', /CP-DC-002/],
    ['read-only-root-filesystem', D, 'readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false', /CP-K8S-003/],
    ['read-only-root-filesystem', C, '    read_only: true\n    cap_drop: [ALL]\n    security_opt: ["no-new-privileges:true"]\n    tmpfs', '    read_only: false\n    cap_drop: [ALL]\n    security_opt: ["no-new-privileges:true"]\n    tmpfs', /CP-DC-003/],
    ['no-privileged-containers', D, 'allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: false\n            privileged: true', /CP-K8S-005 Privileged container/],
    ['no-privileged-containers', C, '    user: "999:999"', '    user: "999:999"\n    privileged: true', /CP-DC-001/],
    ['drop-all-capabilities', D, 'drop: [ALL]', 'drop: [NET_RAW]', /CP-K8S-006/],
    ['drop-all-capabilities', C, '    user: "999:999"\n    read_only: true\n    cap_drop: [ALL]', '    user: "999:999"\n    read_only: true', /CP-DC-004/],
    ['resource-limits', D, 'memory: 1Gi', 'memory: 2Gi', /resources\.limits\.memory is 2Gi; the policy requires 1Gi/],
    ['resource-limits', D, 'cpu: 500m', 'cpu: 250m', /resources\.requests\.cpu is 250m; the policy requires 500m/],
    ['resource-limits', C, 'memory: 1g', 'memory: 2g', /service api: deploy\.resources\.limits\.memory is 2g; the policy requires 1Gi/],
    ['isolated-network', N, 'policyTypes: [Ingress, Egress]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: churn-predictor', 'policyTypes: [Ingress]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: churn-predictor', /default-deny selects every pod in namespace churn but is not a default deny: policyTypes lacks Egress/, { 'egress-filtering': 'recommended-missing' }],
    ['isolated-network', C, '    internal: true', '    internal: false', /no network is declared with internal: true/],
    ['isolated-network', C, '    networks: [backend]\n', '', /service redis lists no networks/],
    ['only-port-8000', 'Dockerfile', 'EXPOSE 8000', 'EXPOSE 8000 9090', /EXPOSE 9090 \(allowed: 8000\)/],
    ['only-port-8000', 'deploy/k8s/service.yaml', '      targetPort: http\n', '      targetPort: http\n    - name: debug\n      port: 9229\n', /CP-K8S-023.*exposes port 9229/],
    ['only-port-8000', C, '      - "8000:8000"', '      - "8000:8000"\n      - "9090:9090"', /CP-DC-008|publishes container port 9090/],
    ['whitelist-ingress', N, '    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}\n      ports:', '    - ports:', /admits ingress to Deployment churn-predictor from any source/],
    ['whitelist-ingress', N, '        - {port: 8000, protocol: TCP}', '        - {port: 8000, protocol: TCP}\n        - {port: 22, protocol: TCP}', /CP-K8S-021/],
    ['vulnerability-scanning', '.github/workflows/security.yml', '      - name: Scan the image\n        run: scripts/security-scan.sh churn-predictor:ci\n', '', /no step runs scripts\/security-scan\.sh/],
    ['vulnerability-scanning', '.github/workflows/security.yml', '        run: scripts/security-scan.sh churn-predictor:ci', '        run: scripts/security-scan.sh churn-predictor:ci\n        continue-on-error: true', /continue-on-error: true/],
    ['vulnerability-scanning', '.github/workflows/security.yml', 'on:\n  push:\n    branches: [main]\n  pull_request:\n', 'on:\n  workflow_dispatch:\n', /not triggered on push or pull_request/],
    ['no-latest-tags', 'Dockerfile', 'FROM ${BASE_IMAGE} AS build', 'FROM node:latest AS build', /FROM node:latest: image node:latest uses the latest tag/],
    ['no-latest-tags', D, 'image: churn-predictor:0.1.0', 'image: churn-predictor', /has no tag, which means latest/],
    ['trusted-registries', D, 'image: churn-predictor:0.1.0', 'image: quay.io/someone/churn-predictor:0.1.0', /quay\.io\/someone\/churn-predictor.* is not from a trusted registry/],
    ['trusted-registries', C, 'image: redis:7.2-alpine', 'image: registry.example.com/redis:7.2-alpine', /service redis: image registry\.example\.com\/redis:7\.2-alpine/],
  ];

  it.each(cases)('%s is violated when %s changes (%#)', async (policy, file, from, to, reason, also = {}) => {
    const report = await evaluate(variant((root) => edit(root, file, from, to)));
    const changed = Object.fromEntries(Object.entries(statuses(report)).filter(([id, s]) => statuses(baseline)[id] !== s));
    expect(changed).toEqual({ [policy]: 'violated', ...also });
    const p = report.policies.find((x) => x.id === policy);
    expect(p?.reasons.some((r) => r.file === file && reason.test(r.message)), JSON.stringify(p?.reasons, null, 1)).toBe(true);
    expect(report.summary.passed).toBe(false);
  });

  it('egress filtering is only recommended: without egress rules it is recommended-missing, not violated', async () => {
    const report = await evaluate(
      variant((root) => edit(root, N, '  egress:\n    - to:\n        - namespaceSelector: {}', '  egressGone:\n    - to:\n        - namespaceSelector: {}')),
    );
    const changed = Object.entries(statuses(report)).filter(([id, s]) => statuses(baseline)[id] !== s);
    expect(changed).toEqual([['egress-filtering', 'recommended-missing']]);
    expect(report.policies.find((p) => p.id === 'egress-filtering')?.reasons[0]).toMatchObject({ file: N, message: expect.stringMatching(/no egress rule lists the destinations/) });
    expect(report.summary.passed).toBe(true);
  });

  it('removing the NetworkPolicies violates isolation and ingress, and leaves egress unfiltered', async () => {
    const report = await evaluate(variant((root) => rmSync(join(root, N))));
    const changed = Object.fromEntries(Object.entries(statuses(report)).filter(([id, s]) => statuses(baseline)[id] !== s));
    expect(changed).toEqual({ 'isolated-network': 'violated', 'whitelist-ingress': 'violated', 'egress-filtering': 'recommended-missing' });
    const iso = report.policies.find((p) => p.id === 'isolated-network');
    expect(iso?.reasons.map((r) => r.message)).toEqual(expect.arrayContaining([expect.stringMatching(/no default-deny NetworkPolicy in namespace churn/), expect.stringMatching(/CP-K8S-020/)]));
  });

  it('a missing source violates every required policy that reads it, naming what is missing', async () => {
    const report = await evaluate(variant((root) => rmSync(join(root, 'deploy/k8s'), { recursive: true })));
    const p = report.policies.find((x) => x.id === 'read-only-root-filesystem');
    expect(p?.status).toBe('violated');
    expect(p?.reasons).toEqual([{ file: 'deploy/k8s', line: 0, message: 'Kubernetes manifests not found' }]);
    expect(statuses(report)['vulnerability-scanning']).toBe('enabled');
    const noWorkflows = await evaluate(variant((root) => rmSync(join(root, '.github'), { recursive: true })));
    expect(noWorkflows.policies.find((x) => x.id === 'vulnerability-scanning')?.reasons).toEqual([{ file: '.github/workflows', line: 0, message: 'CI workflows not found' }]);
  });

  it('a Dockerfile inside the deploy folder is used when the project root has none', async () => {
    const root = variant((r) => {
      cpSync(join(r, 'Dockerfile'), join(r, 'deploy/Dockerfile'));
      rmSync(join(r, 'Dockerfile'));
      edit(r, 'deploy/Dockerfile', 'USER 1000:1000', 'USER root');
    });
    const p = (await evaluate(root)).policies.find((x) => x.id === 'non-root-user');
    expect(p?.reasons.map((r) => r.file)).toContain('deploy/Dockerfile');
    const none = await evaluate(variant((r) => rmSync(join(r, 'Dockerfile'))));
    expect(none.policies.find((x) => x.id === 'non-root-user')?.reasons).toContainEqual({ file: 'Dockerfile', line: 0, message: 'Dockerfile not found (also looked for deploy/Dockerfile)' });
  });

  it('a source turned off in files: is not read; a check left with nothing to read fails', async () => {
    const report = await evaluate(variant((root) => {
      rmSync(join(root, 'deploy/k8s'), { recursive: true });
      edit(root, 'deploy/policies/security-policies.yaml', '  kubernetes: ["{deploy}/k8s"]', '  kubernetes: []');
    }));
    expect(statuses(report)['read-only-root-filesystem']).toBe('enabled');
    const ingress = report.policies.find((x) => x.id === 'whitelist-ingress');
    expect(ingress?.status).toBe('violated');
    expect(ingress?.reasons[0]).toMatchObject({ file: 'deploy/policies/security-policies.yaml', message: 'check ingress-whitelist has nothing to read: kubernetes is turned off under files:' });
  });

  it('a manifest that is not valid YAML is a reason with its line', async () => {
    const report = await evaluate(variant((root) => writeFileSync(join(root, 'deploy/k8s/broken.yaml'), 'kind: Service\nmetadata: {name: [x\n')));
    const p = report.policies.find((x) => x.id === 'read-only-root-filesystem');
    expect(p?.status).toBe('violated');
    expect(p?.reasons[0]).toMatchObject({ file: 'deploy/k8s/broken.yaml', line: expect.any(Number), message: expect.stringMatching(/^not valid YAML/) });
    expect(p?.reasons[0].line).toBeGreaterThan(0);
  });

  it('a suppression comment in a deploy file does not waive a policy', async () => {
    const report = await evaluate(variant((root) => edit(root, D, 'readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false # churn:ignore CP-K8S-003 needs a writable cache')));
    const p = report.policies.find((x) => x.id === 'read-only-root-filesystem');
    expect(p?.status).toBe('violated');
    expect(p?.reasons[0].message).toMatch(/suppressed in the file: "needs a writable cache"; a suppression does not waive a policy/);
  });
});

describe('signature verification', () => {
  const P = 'deploy/policies/security-policies.yaml';
  const requirement = (images: string, key: string) => `signatures:\n  requirements:\n    - images: ["${images}"]\n      keys: [${key}]\n`;

  function withKey(root: string): void {
    mkdirSync(join(root, 'deploy/policies/keys'), { recursive: true });
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(root, 'deploy/policies/keys/cosign.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  }

  it('configured with a readable key covering the deployed image: enabled and now required', async () => {
    const report = await evaluate(variant((root) => {
      withKey(root);
      edit(root, P, 'signatures:\n  requirements: []\n', requirement('*churn-predictor', 'keys/cosign.pub'));
    }));
    const p = report.policies.find((x) => x.id === 'signature-verification');
    expect(p).toMatchObject({ status: 'enabled', enforcement: 'required', declaredEnforcement: 'optional', reasons: [] });
  });

  it('configured but the key is missing or not a public key: violated, because configuring it made it required', async () => {
    const missing = await evaluate(variant((root) => edit(root, P, 'signatures:\n  requirements: []\n', requirement('*churn-predictor', 'keys/cosign.pub'))));
    const p = missing.policies.find((x) => x.id === 'signature-verification');
    expect(p?.status).toBe('violated');
    expect(p?.reasons).toEqual([{ file: P, line: expect.any(Number), message: 'key file keys/cosign.pub not found' }]);
    const notKey = await evaluate(variant((root) => {
      withKey(root);
      writeFileSync(join(root, 'deploy/policies/keys/cosign.pub'), 'not a key\n');
      edit(root, P, 'signatures:\n  requirements: []\n', requirement('*churn-predictor', 'keys/cosign.pub'));
    }));
    expect(notKey.policies.find((x) => x.id === 'signature-verification')?.reasons[0].message).toBe('key file keys/cosign.pub is not a PEM public key');
  });

  it('a requirement that does not cover the deployed project image is a reason naming where it is deployed', async () => {
    const report = await evaluate(variant((root) => {
      withKey(root);
      edit(root, P, 'signatures:\n  requirements: []\n', requirement('ghcr.io/other/*', 'keys/cosign.pub'));
    }));
    const p = report.policies.find((x) => x.id === 'signature-verification');
    expect(p?.status).toBe('violated');
    expect(p?.reasons.map((r) => r.file)).toEqual(expect.arrayContaining(['deploy/k8s/deployment.yaml', 'deploy/k8s/rescan-cronjob.yaml']));
    expect(p?.reasons[0].message).toMatch(/image churn-predictor:0\.1\.0 is not covered by any signature requirement/);
  });
});
