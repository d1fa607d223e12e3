import { describe, expect, it } from 'vitest';
import { analyzeKubernetes } from '../../../src/security/misconfig/kubernetes.js';

const SC = `runAsNonRoot: true
            runAsUser: 1000
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            seccompProfile: {type: RuntimeDefault}
            capabilities: {drop: [ALL]}`;
const RES = 'resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}';

function deployment(opts: { pod?: string; sc?: string; extra?: string; image?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
${opts.pod ?? ''}      containers:
        - name: app
          image: ${opts.image ?? 'repo/app:1.0'}
          ${RES}
          securityContext:
            ${opts.sc ?? SC}
${opts.extra ?? ''}`;
}
const NETPOL = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
    - ports: [{port: 8000}]
  egress:
    - to: [{namespaceSelector: {}}]
      ports: [{port: 53, protocol: UDP}]
`;
const ids = (yaml: string) => analyzeKubernetes([{ path: 'k8s.yaml', content: yaml }]).map((f) => f.id);

describe('analyzeKubernetes: workloads', () => {
  it('a hardened Deployment with a NetworkPolicy has no findings', () => {
    expect(analyzeKubernetes([{ path: 'k8s.yaml', content: deployment() + NETPOL }])).toEqual([]);
  });

  const replace = (from: string, to: string) => SC.replace(from, to);
  it.each([
    ['CP-K8S-001', { sc: replace('runAsNonRoot: true', 'runAsNonRoot: false') }],
    ['CP-K8S-002', { sc: replace('runAsUser: 1000', 'runAsUser: 0') }],
    ['CP-K8S-002', { sc: replace('runAsUser: 1000', 'runAsUser: 2000') }],
    ['CP-K8S-003', { sc: replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false') }],
    ['CP-K8S-004', { sc: replace('allowPrivilegeEscalation: false', 'privileged: false') }],
    ['CP-K8S-005', { sc: SC + '\n            privileged: true' }],
    ['CP-K8S-006', { sc: replace('drop: [ALL]', 'drop: [NET_RAW]') }],
    ['CP-K8S-007', { sc: replace('drop: [ALL]', 'drop: [ALL], add: [SYS_ADMIN]') }],
    ['CP-K8S-008', { sc: replace('type: RuntimeDefault', 'type: Unconfined') }],
    ['CP-K8S-013', { pod: '      hostNetwork: true\n' }],
    ['CP-K8S-014', { pod: '      hostPID: true\n' }],
    ['CP-K8S-015', { pod: '      hostIPC: true\n' }],
    ['CP-K8S-016', { pod: '      volumes: [{name: d, hostPath: {path: /var/run/docker.sock}}]\n' }],
    ['CP-K8S-017', { extra: '          ports: [{containerPort: 8000, hostPort: 8000}]\n' }],
    ['CP-K8S-018', { image: 'repo/app' }],
    ['CP-K8S-018', { image: 'repo/app:latest' }],
  ])('%s positive case %#', (id, opts) => {
    expect(ids(deployment(opts) + NETPOL)).toEqual([id]);
  });

  it('CP-K8S-019 and resources (009-012) when missing', () => {
    const yaml = deployment().replace('automountServiceAccountToken: false', 'automountServiceAccountToken: true').replace(RES, 'resources: {}');
    expect(ids(yaml + NETPOL).sort()).toEqual(['CP-K8S-009', 'CP-K8S-010', 'CP-K8S-011', 'CP-K8S-012', 'CP-K8S-019']);
  });

  it('pod-level securityContext satisfies runAsNonRoot, runAsUser and seccomp; init containers are checked', () => {
    const podSc = '      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}\n';
    const sc = 'readOnlyRootFilesystem: true\n            allowPrivilegeEscalation: false\n            capabilities: {drop: [ALL]}';
    expect(ids(deployment({ pod: podSc, sc }) + NETPOL)).toEqual([]);
    const init = `      initContainers:\n        - name: init\n          image: busybox:1.36\n          ${RES}\n`;
    const found = analyzeKubernetes([{ path: 'k8s.yaml', content: deployment({ pod: podSc + init, sc }) + NETPOL }]);
    expect(new Set(found.map((f) => f.resource.container))).toEqual(new Set(['init']));
    expect(found.map((f) => f.id).sort()).toEqual(['CP-K8S-003', 'CP-K8S-004', 'CP-K8S-006']);
  });

  it('covers Pod, StatefulSet, DaemonSet, ReplicaSet, Job and CronJob', () => {
    const pod = (kind: string, wrap: (spec: string) => string) => `apiVersion: v1\nkind: ${kind}\nmetadata: {name: x}\n${wrap('{containers: [{name: c, image: "i:1"}]}')}\n`;
    const tmpl = (s: string) => `spec: {template: {spec: ${s}}}`;
    const docs = [
      pod('Pod', (s) => `spec: ${s}`),
      pod('StatefulSet', tmpl), pod('DaemonSet', tmpl), pod('ReplicaSet', tmpl), pod('Job', tmpl),
      pod('CronJob', (s) => `spec: {jobTemplate: {spec: {template: {spec: ${s}}}}}`),
      pod('ConfigMap', () => 'data: {a: b}'),
    ].join('---\n');
    const kinds = new Set(analyzeKubernetes([{ path: 'k.yaml', content: docs }]).filter((f) => f.id === 'CP-K8S-001').map((f) => f.resource.kind));
    expect(kinds).toEqual(new Set(['Pod', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']));
  });

  it('line numbers point at the offending key', () => {
    const yaml = deployment({ sc: SC + '\n            privileged: true' });
    const f = analyzeKubernetes([{ path: 'k8s.yaml', content: yaml + NETPOL }]).find((x) => x.id === 'CP-K8S-005');
    expect(f?.line).toBe(yaml.split('\n').findIndex((l) => l.includes('privileged: true')) + 1);
  });
});

describe('analyzeKubernetes: layouts', () => {
  it('Helm-rendered stream with # Source: comments and empty documents', () => {
    const helm = `---\n# Source: chart/templates/netpol.yaml\n${NETPOL.replace('---\n', '')}---\n# Source: chart/templates/empty.yaml\n---\n# Source: chart/templates/deploy.yaml\n${deployment({ image: 'repo/app:latest' })}`;
    const found = analyzeKubernetes([{ path: 'rendered.yaml', content: helm }]);
    expect(found.map((f) => f.id)).toEqual(['CP-K8S-018']);
    expect(helm.split('\n')[found[0].line - 1]).toContain('image: repo/app:latest');
  });

  it('kind: List items, YAML anchors and merge keys', () => {
    const list = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: a, labels: {app: a}}
    spec:
      automountServiceAccountToken: false
      securityContext: &hardened {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: c
          image: i:1
          ${RES}
          securityContext: &csc {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
  - apiVersion: v1
    kind: Pod
    metadata: {name: b, labels: {app: a}}
    spec:
      automountServiceAccountToken: false
      securityContext: *hardened
      containers:
        - name: c
          image: i:1
          ${RES}
          securityContext:
            <<: *csc
            privileged: true
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: np}
    spec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{ports: [{port: 8000}]}]}
`;
    const found = analyzeKubernetes([{ path: 'list.yaml', content: list }]);
    expect(found.map((f) => `${f.resource.name}:${f.id}`)).toEqual(['b:CP-K8S-005']);
  });
});

describe('analyzeKubernetes: network policies and services', () => {
  const files = (np: string) => [{ path: 'deploy.yaml', content: deployment() }, { path: 'np.yaml', content: np }];
  it('CP-K8S-020: no policy, or one whose selector does not match', () => {
    expect(analyzeKubernetes([{ path: 'd.yaml', content: deployment() }]).map((f) => f.id)).toEqual(['CP-K8S-020']);
    const other = NETPOL.replace('{app: web}', '{app: api}');
    expect(analyzeKubernetes(files(other)).map((f) => f.id)).toEqual(['CP-K8S-020']);
    const expr = NETPOL.replace('{matchLabels: {app: web}}', '{matchExpressions: [{key: app, operator: In, values: [web, api]}]}');
    expect(analyzeKubernetes(files(expr))).toEqual([]);
  });

  it('CP-K8S-021: ingress without ports or with ports not allowed', () => {
    expect(analyzeKubernetes(files(NETPOL.replace('- ports: [{port: 8000}]', '- from: [{podSelector: {}}]'))).map((f) => f.id)).toEqual(['CP-K8S-021']);
    expect(analyzeKubernetes(files(NETPOL.replace('port: 8000', 'port: 9090'))).map((f) => f.id)).toEqual(['CP-K8S-021']);
    expect(analyzeKubernetes(files(NETPOL.replace('port: 8000', 'port: 9090')), { allowedPorts: [9090] })).toEqual([]);
  });

  it('CP-K8S-022: egress not restricted, or an allow-all egress rule', () => {
    expect(analyzeKubernetes(files(NETPOL.replace('[Ingress, Egress]', '[Ingress]').replace(/ {2}egress:[\s\S]*$/, ''))).map((f) => f.id)).toEqual(['CP-K8S-022']);
    expect(analyzeKubernetes(files(NETPOL + '    - {}\n')).map((f) => f.id)).toEqual(['CP-K8S-022']);
  });

  it('CP-K8S-023: Service ports outside allowedPorts', () => {
    const svc = (port: number) => `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n    - port: ${port}\n`;
    const found = analyzeKubernetes([{ path: 's.yaml', content: svc(80) }]);
    expect(found.map((f) => [f.id, f.line])).toEqual([['CP-K8S-023', 6]]);
    expect(analyzeKubernetes([{ path: 's.yaml', content: svc(8000) }])).toEqual([]);
  });
});

describe('analyzeKubernetes: suppression', () => {
  it('annotation and comment suppressions are reported with reasons', () => {
    const yaml = deployment({ sc: SC.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false') + '\n            # churn:ignore CP-K8S-005 debug sidecar\n            privileged: true' })
      .replace('  name: web\n', '  name: web\n  annotations:\n    churn-predictor.io/ignore: "CP-K8S-003: writes a cache"\n');
    const found = analyzeKubernetes([{ path: 'k.yaml', content: yaml + NETPOL }]);
    expect(found.map((f) => [f.id, f.suppressed?.reason])).toEqual([['CP-K8S-003', 'writes a cache'], ['CP-K8S-005', 'debug sidecar']]);
  });
});
