import { K8S } from './checks-kubernetes.js';
import { makeFinding } from './finding.js';
import type { Misconfiguration, ResolvedOptions } from './finding.js';
import { stringMap } from './k8s-objects.js';
import type { K8sObject, Workload } from './k8s-objects.js';
import type { YNode } from './yaml-node.js';

/** True when a label selector (`matchLabels` subset plus `matchExpressions`) selects these labels. */
export function selects(selector: YNode | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const match = stringMap(selector.get('matchLabels'));
  for (const [k, v] of Object.entries(match)) if (labels[k] !== v) return false;
  for (const e of selector.get('matchExpressions')?.items() ?? []) {
    const key = e.get('key')?.str() ?? '';
    const values = (e.get('values')?.items() ?? []).map((v) => v.str());
    const op = e.get('operator')?.str();
    const has = key in labels;
    if (op === 'In' && !(has && values.includes(labels[key]))) return false;
    if (op === 'NotIn' && has && values.includes(labels[key])) return false;
    if (op === 'Exists' && !has) return false;
    if (op === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** NetworkPolicy coverage of each workload: selected at all, ingress ports restricted, egress restricted. */
export function checkNetworkPolicies(workloads: Workload[], policies: K8sObject[], opts: ResolvedOptions): Misconfiguration[] {
  const out: Misconfiguration[] = [];
  for (const w of workloads) {
    const resource = { kind: w.obj.kind, name: w.obj.name };
    const mine = policies.filter((p) => p.namespace === w.obj.namespace && selects(p.node.at('spec.podSelector'), w.podLabels));
    if (mine.length === 0) {
      out.push(makeFinding(K8S.noNetworkPolicy, { file: w.obj.file, line: w.obj.line, resource, description: `No NetworkPolicy selects labels ${JSON.stringify(w.podLabels)}.` }));
      continue;
    }
    const namedPorts = containerPortNames(w);
    for (const p of mine) {
      for (const rule of p.node.at('spec.ingress')?.items() ?? []) {
        const ports = rule.get('ports')?.items() ?? [];
        const bad = ports.length === 0 ? ['all ports'] : ports.map((pt) => portValue(pt, namedPorts)).filter((v) => !opts.allowedPorts.includes(Number(v))).map(String);
        if (bad.length > 0) {
          out.push(makeFinding(K8S.ingressOpen, { file: p.file, line: rule.line, resource, description: `NetworkPolicy ${p.name} admits ${bad.join(', ')} (allowed: ${opts.allowedPorts.join(', ')}).` }));
        }
      }
    }
    const restricts = mine.some((p) => policyTypes(p).includes('Egress'));
    const openRule = mine.flatMap((p) => (p.node.at('spec.egress')?.items() ?? []).filter((r) => !r.get('to') && !r.get('ports')).map((r) => ({ p, r })));
    if (!restricts) {
      out.push(makeFinding(K8S.egressOpen, { file: w.obj.file, line: w.obj.line, resource, description: `No NetworkPolicy selecting ${w.obj.name} restricts egress.` }));
    } else if (openRule.length > 0) {
      const { p, r } = openRule[0];
      out.push(makeFinding(K8S.egressOpen, { file: p.file, line: r.line, resource, description: `NetworkPolicy ${p.name} has an egress rule that allows everything.` }));
    }
  }
  return out;
}

/** Services may only expose allowed ports. */
export function checkServices(services: K8sObject[], opts: ResolvedOptions): Misconfiguration[] {
  const out: Misconfiguration[] = [];
  for (const s of services) {
    for (const p of s.node.at('spec.ports')?.items() ?? []) {
      const port = Number(p.get('port')?.scalar());
      if (!opts.allowedPorts.includes(port)) {
        out.push(makeFinding(K8S.servicePort, { file: s.file, line: p.line, resource: { kind: s.kind, name: s.name }, description: `Service ${s.name} exposes port ${port} (allowed: ${opts.allowedPorts.join(', ')}).` }));
      }
    }
  }
  return out;
}

function policyTypes(p: K8sObject): string[] {
  const explicit = (p.node.at('spec.policyTypes')?.items() ?? []).map((t) => t.str() ?? '');
  if (explicit.length > 0) return explicit;
  // The API server's defaulting: Ingress always, Egress when egress rules are present.
  return p.node.at('spec.egress') ? ['Ingress', 'Egress'] : ['Ingress'];
}

function containerPortNames(w: Workload): Map<string, number> {
  const names = new Map<string, number>();
  for (const c of w.podSpec.get('containers')?.items() ?? []) {
    for (const p of c.get('ports')?.items() ?? []) {
      const name = p.get('name')?.str();
      const num = Number(p.get('containerPort')?.scalar());
      if (name) names.set(name, num);
    }
  }
  return names;
}

function portValue(pt: YNode, named: Map<string, number>): number | string {
  const v = pt.get('port')?.scalar();
  if (v === undefined || v === null) return 'all ports';
  if (typeof v === 'number') return v;
  return named.get(String(v)) ?? String(v);
}
