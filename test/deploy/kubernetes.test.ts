import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SECRET_NAME, at, filesUnder, isObj, k8sObjects, list, parseYamlFile, selects, type K8sObject, type Obj } from './files.js';

const objects = k8sObjects();
const NS = 'churn-predictor';

function one(kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0];
}

const deployment = one('Deployment', 'churn-predictor');
const cronJob = one('CronJob', 'churn-predictor-rescan');
const podTemplates: [string, Obj][] = [
  ['Deployment', at(deployment.body, 'spec.template') as Obj],
  ['CronJob', at(cronJob.body, 'spec.jobTemplate.spec.template') as Obj],
];
const containersOf = (template: Obj): Obj[] => [...list(at(template, 'spec.initContainers')), ...list(at(template, 'spec.containers'))].filter(isObj);
const apiContainer = containersOf(podTemplates[0][1])[0];
const podLabels = at(podTemplates[0][1], 'metadata.labels') as Record<string, string>;

describe('the Kubernetes manifests', () => {
  it('hold every object the deployment needs, all in the churn-predictor namespace', () => {
    const kinds = objects.map((o) => o.kind).sort();
    for (const k of ['Namespace', 'ServiceAccount', 'ConfigMap', 'Deployment', 'Service', 'NetworkPolicy', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'CronJob']) {
      expect(kinds, k).toContain(k);
    }
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.namespace, `${o.kind} ${o.name}`).toBe(NS);
    expect(one('Namespace').name).toBe(NS);
    // The API server itself refuses pods here that break the restricted profile.
    expect(at(one('Namespace').body, 'metadata.labels')).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('are all listed in kustomization.yaml, which lists nothing that is missing', () => {
    const kustomization = parseYamlFile('deploy/k8s/kustomization.yaml')[0];
    const resources = list(at(kustomization, 'resources')).map(String).sort();
    const files = filesUnder('deploy/k8s').map((f) => f.slice('deploy/k8s/'.length)).filter((f) => f !== 'kustomization.yaml');
    expect(resources).toEqual(files);
    for (const r of resources) expect(existsSync(join(ROOT, 'deploy/k8s', r)), r).toBe(true);
  });

  it('hold no Secret and no secret value: credentials come from the out-of-band Secret by reference', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const cm = one('ConfigMap');
    for (const key of Object.keys(at(cm.body, 'data') as Obj)) expect(key, 'a credential in the ConfigMap').not.toMatch(SECRET_NAME);
    const refs: string[] = [];
    for (const [kind, template] of podTemplates) {
      for (const c of containersOf(template)) {
        for (const e of list(c.env).filter(isObj)) {
          if (!SECRET_NAME.test(String(e.name))) continue;
          expect(e.value, `${kind} ${String(c.name)} ${String(e.name)} has a literal value`).toBeUndefined();
          expect(at(e, 'valueFrom.secretKeyRef.name'), `${kind} ${String(c.name)} ${String(e.name)}`).toBe('churn-predictor-secrets');
          refs.push(String(e.name));
        }
      }
    }
    expect(new Set(refs)).toEqual(new Set(['DATABASE_URL', 'REDIS_URL', 'API_SECRET_KEY']));
  });

  it('configure the API from the ConfigMap with authentication required for predictions and Redis rate limits', () => {
    const cm = one('ConfigMap');
    expect(at(cm.body, 'data.REQUIRE_AUTH_FOR_PREDICT')).toBe('true');
    expect(at(cm.body, 'data.RATE_LIMIT_BACKEND')).toBe('redis');
    expect(at(cm.body, 'data.PORT')).toBe('8000');
    expect(list(apiContainer.envFrom)).toContainEqual({ configMapRef: { name: cm.name } });
  });

  it.each(podTemplates)('run every %s container under the restricted security context', (_kind, template) => {
    const spec = at(template, 'spec') as Obj;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe(one('ServiceAccount').name);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.hostNetwork ?? false).toBe(false);
    const containers = containersOf(template);
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      expect(c.securityContext, String(c.name)).toEqual({
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(at(c, 'resources.limits.memory'), String(c.name)).toBeDefined();
      expect(at(c, 'resources.limits.cpu'), String(c.name)).toBeDefined();
      // The only writable places are the two emptyDir volumes.
      const mounts = list(c.volumeMounts).filter(isObj);
      expect(mounts.map((m) => m.mountPath).sort(), String(c.name)).toEqual(['/data', '/tmp']);
    }
    const volumes = list(spec.volumes).filter(isObj);
    expect(volumes.map((v) => v.name).sort()).toEqual(['data', 'tmp']);
    for (const v of volumes) expect(isObj(v.emptyDir), String(v.name)).toBe(true);
  });

  it('give the API the resources, port and probes the policies name', () => {
    expect(apiContainer.resources).toEqual({ requests: { memory: '512Mi', cpu: '500m' }, limits: { memory: '1Gi', cpu: '1000m' } });
    expect(list(apiContainer.ports)).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(at(apiContainer, 'livenessProbe.httpGet')).toEqual({ path: '/health', port: 'http' });
    expect(at(apiContainer, 'readinessProbe.httpGet')).toEqual({ path: '/ready', port: 'http' });
    // Named port "http" is 8000: the probes hit the service port.
    expect(String(apiContainer.image)).toMatch(/^[^:@]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$/);
  });

  it('scan the very image the Deployment runs, weekly, never two at a time', () => {
    const scanTemplate = podTemplates[1][1];
    const scan = list(at(scanTemplate, 'spec.containers')).filter(isObj)[0];
    const args = list(scan.args).map(String);
    expect(args.slice(0, 2)).toEqual(['security-scan', String(apiContainer.image)]);
    expect(String(scan.image)).toBe(String(apiContainer.image));
    for (const c of containersOf(scanTemplate)) expect(String(c.image)).toBe(String(apiContainer.image));
    const schedule = String(at(cronJob.body, 'spec.schedule')).split(/\s+/);
    expect(schedule).toHaveLength(5);
    // Minute, hour and day of week fixed; every day of the month and month: once a week.
    expect(schedule.slice(2, 4)).toEqual(['*', '*']);
    expect(schedule[4]).toMatch(/^[0-6]$/);
    expect(at(cronJob.body, 'spec.concurrencyPolicy')).toBe('Forbid');
  });

  it('expose only port 8000 through Services that select the API pods', () => {
    const services = objects.filter((o) => o.kind === 'Service');
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) {
      expect(list(at(s.body, 'spec.ports')).map((p) => at(p, 'port')), s.name).toEqual([8000]);
      expect(selects({ matchLabels: at(s.body, 'spec.selector') }, podLabels), s.name).toBe(true);
      expect(at(s.body, 'spec.type') ?? 'ClusterIP', s.name).toBe('ClusterIP');
    }
  });

  it('autoscale the Deployment and keep one replica through voluntary disruptions', () => {
    const hpa = one('HorizontalPodAutoscaler');
    expect(at(hpa.body, 'spec.scaleTargetRef')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name });
    expect(Number(at(hpa.body, 'spec.minReplicas'))).toBeGreaterThanOrEqual(2);
    expect(Number(at(hpa.body, 'spec.maxReplicas'))).toBeGreaterThan(Number(at(hpa.body, 'spec.minReplicas')));
    const pdb = one('PodDisruptionBudget');
    expect(at(pdb.body, 'spec.minAvailable')).toBe(1);
    expect(selects(at(pdb.body, 'spec.selector'), podLabels)).toBe(true);
    expect(selects(at(deployment.body, 'spec.selector'), podLabels)).toBe(true);
  });
});

/** What the NetworkPolicies let a pod with these labels do, as the API server and CNI evaluate them. */
function allowed(labels: Record<string, string>): { ingress: Obj[]; egress: Obj[]; isolated: { ingress: boolean; egress: boolean } } {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && selects(at(o.body, 'spec.podSelector'), labels));
  const types = (p: K8sObject) => list(at(p.body, 'spec.policyTypes')).map(String);
  return {
    ingress: policies.flatMap((p) => list(at(p.body, 'spec.ingress')).filter(isObj)),
    egress: policies.flatMap((p) => list(at(p.body, 'spec.egress')).filter(isObj)),
    isolated: { ingress: policies.some((p) => types(p).includes('Ingress')), egress: policies.some((p) => types(p).includes('Egress')) },
  };
}

const portsOf = (rules: Obj[]): string[] => [...new Set(rules.flatMap((r) => list(r.ports).map((p) => `${String(at(p, 'protocol') ?? 'TCP')}/${String(at(p, 'port'))}`)))].sort();

describe('the NetworkPolicies', () => {
  it('deny all ingress and egress by default', () => {
    const deny = objects.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(at(o.body, 'spec.podSelector')) === '{}');
    expect(deny).toHaveLength(1);
    expect(at(deny[0].body, 'spec')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // A pod no allowance selects can do nothing.
    const stranger = allowed({ app: 'something-else' });
    expect(stranger).toEqual({ ingress: [], egress: [], isolated: { ingress: true, egress: true } });
  });

  it('admit ingress to the API on TCP 8000 only, and only from namespaces labelled for it', () => {
    const { ingress } = allowed(podLabels);
    expect(ingress.length).toBeGreaterThan(0);
    expect(portsOf(ingress)).toEqual(['TCP/8000']);
    for (const rule of ingress) {
      const from = list(rule.from).filter(isObj);
      expect(from.length).toBeGreaterThan(0);
      for (const peer of from) expect(peer).toEqual({ namespaceSelector: { matchLabels: { 'churn-predictor.io/allow-ingress': 'true' } } });
    }
  });

  it('let the API reach DNS, Redis and PostgreSQL and nothing else', () => {
    const { egress } = allowed(podLabels);
    expect(portsOf(egress)).toEqual(['TCP/5432', 'TCP/53', 'TCP/6379', 'UDP/53'].sort());
    for (const rule of egress) expect(list(rule.to).length, 'an egress rule to any destination').toBeGreaterThan(0);
  });

  it('let the re-scan reach DNS, HTTPS on public addresses and PostgreSQL', () => {
    const labels = at(podTemplates[1][1], 'metadata.labels') as Record<string, string>;
    const { ingress, egress } = allowed(labels);
    expect(ingress).toEqual([]);
    expect(portsOf(egress)).toEqual(['TCP/443', 'TCP/5432', 'TCP/53', 'UDP/53'].sort());
    const https = egress.find((r) => portsOf([r]).includes('TCP/443'));
    expect(at(https, 'to.0.ipBlock.except')).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']));
  });

  it('cut every connection of a pod labelled for quarantine', () => {
    for (const [, template] of podTemplates) {
      const labels = { ...(at(template, 'metadata.labels') as Record<string, string>), 'security.churn-predictor/quarantine': 'true' };
      expect(allowed(labels)).toEqual({ ingress: [], egress: [], isolated: { ingress: true, egress: true } });
    }
    const quarantine = one('NetworkPolicy', 'quarantine');
    expect(at(quarantine.body, 'spec')).toEqual({ podSelector: { matchLabels: { 'security.churn-predictor/quarantine': 'true' } }, policyTypes: ['Ingress', 'Egress'] });
  });
});
