import type { K8sObject, Workload } from '../../misconfig/k8s-objects.js';
import { selects } from '../../misconfig/kubernetes-network.js';
import type { YNode } from '../../misconfig/yaml-node.js';
import type { FieldReader } from '../fields.js';
import type { CheckContext, PolicyReason } from '../types.js';
import { describeResource, type CheckType } from './check-type.js';

function policyTypes(p: K8sObject): string[] {
  const explicit = (p.node.at('spec.policyTypes')?.items() ?? []).map((t) => t.str() ?? '');
  if (explicit.length > 0) return explicit;
  // The API server's defaulting: Ingress always, Egress when egress rules are present.
  return p.node.at('spec.egress') ? ['Ingress', 'Egress'] : ['Ingress'];
}

function isEmptySelector(n: YNode | undefined): boolean {
  if (!n) return true;
  const labels = n.get('matchLabels')?.keys() ?? [];
  const exprs = n.get('matchExpressions')?.items() ?? [];
  return labels.length === 0 && exprs.length === 0;
}

function rules(p: K8sObject, key: 'ingress' | 'egress'): YNode[] {
  return p.node.at(`spec.${key}`)?.items() ?? [];
}

function networkPolicies(ctx: CheckContext): K8sObject[] {
  return ctx.facts.k8sObjects().filter((o) => o.kind === 'NetworkPolicy');
}

function selecting(ctx: CheckContext, w: Workload): K8sObject[] {
  return networkPolicies(ctx).filter((p) => p.namespace === w.obj.namespace && selects(p.node.at('spec.podSelector'), w.podLabels));
}

function workloadsOf(ctx: CheckContext, kinds: string[]): { workloads: Workload[]; missing: PolicyReason[] } {
  const src = ctx.tree.sources.kubernetes;
  if (src.state !== 'found') return { workloads: [], missing: [] };
  const workloads = ctx.facts.workloads().filter((w) => kinds.includes(w.obj.kind));
  return { workloads, missing: workloads.length === 0 ? [{ file: src.where, line: 0, message: `no ${kinds.join(' or ')} found` }] : [] };
}

function kindsParam(node: YNode, path: string, r: FieldReader): string[] {
  return r.strList(node, 'kinds', path, { required: false, nonEmpty: true }) ?? ['Deployment'];
}

/** Kubernetes: a NetworkPolicy selecting every pod (`podSelector: {}`) with both policy types and no rules, in each namespace with workloads. */
export const defaultDenyCheck: CheckType = {
  type: 'default-deny',
  summary: 'a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules) in every namespace with workloads',
  params: [],
  sources: ['kubernetes'],
  bind: () => ({ run: defaultDeny }),
};

function defaultDeny(ctx: CheckContext): PolicyReason[] {
  const src = ctx.tree.sources.kubernetes;
  if (src.state !== 'found') return [];
  const all = networkPolicies(ctx).filter((p) => isEmptySelector(p.node.at('spec.podSelector')));
  const why = (p: K8sObject): string[] => {
    const out: string[] = [];
    const types = policyTypes(p);
    for (const t of ['Ingress', 'Egress']) if (!types.includes(t)) out.push(`policyTypes lacks ${t}`);
    if (rules(p, 'ingress').length > 0) out.push('it has ingress rules');
    if (rules(p, 'egress').length > 0) out.push('it has egress rules');
    return out;
  };
  const namespaces = [...new Set(ctx.facts.workloads().map((w) => w.obj.namespace))];
  const out: PolicyReason[] = [];
  for (const ns of namespaces.length > 0 ? namespaces : [null]) {
    const here = all.filter((p) => ns === null || p.namespace === ns);
    if (here.some((p) => why(p).length === 0)) continue;
    const inNs = ns === null || ns === '' ? '' : ` in namespace ${ns}`;
    if (here.length > 0) {
      for (const p of here) out.push({ file: p.file, line: p.line, message: `NetworkPolicy ${p.name} selects every pod${inNs} but is not a default deny: ${why(p).join(', ')}` });
    } else {
      out.push({ file: src.where, line: 0, message: `no default-deny NetworkPolicy${inNs} (podSelector: {}, policyTypes: [Ingress, Egress], no rules)` });
    }
  }
  return out;
}

/** Each selected workload admits ingress only through rules that name their sources (`from`). */
export const ingressWhitelistCheck: CheckType = {
  type: 'ingress-whitelist',
  summary: 'ingress to the workloads only through NetworkPolicy rules that list their sources',
  params: ['kinds'],
  sources: ['kubernetes'],
  bind: (node, path, r) => {
    const kinds = kindsParam(node, path, r);
    return { run: (ctx) => ingressWhitelist(ctx, kinds) };
  },
};

function openPeer(peer: YNode): string | null {
  const cidr = peer.at('ipBlock.cidr')?.str();
  if (cidr !== undefined && /\/0$/.test(cidr) && (peer.at('ipBlock.except')?.items() ?? []).length === 0) return `ipBlock ${cidr} (every address)`;
  const ns = peer.get('namespaceSelector');
  if (ns && isEmptySelector(ns) && !peer.get('podSelector')) return 'namespaceSelector {} (every pod of every namespace)';
  return null;
}

function ingressWhitelist(ctx: CheckContext, kinds: string[]): PolicyReason[] {
  const { workloads, missing } = workloadsOf(ctx, kinds);
  const out = [...missing];
  for (const w of workloads) {
    const who = describeResource(w.obj.kind, w.obj.name);
    const mine = selecting(ctx, w).flatMap((p) => rules(p, 'ingress').map((rule) => ({ p, rule })));
    if (mine.length === 0) out.push({ file: w.obj.file, line: w.obj.line, message: `no NetworkPolicy rule admits ingress to ${who}: the whitelist of sources is missing` });
    for (const { p, rule } of mine) {
      const from = rule.get('from')?.items() ?? [];
      if (from.length === 0) out.push({ file: p.file, line: rule.line, message: `NetworkPolicy ${p.name} admits ingress to ${who} from any source (the rule has no from:)` });
      for (const peer of from) {
        const open = openPeer(peer);
        if (open) out.push({ file: p.file, line: peer.line, message: `NetworkPolicy ${p.name} admits ingress to ${who} from ${open}` });
      }
    }
  }
  return out;
}

/** Each selected workload's egress is restricted and lists what it may reach. */
export const egressRulesCheck: CheckType = {
  type: 'egress-rules',
  summary: 'egress of the workloads restricted by NetworkPolicy rules that list destinations',
  params: ['kinds'],
  sources: ['kubernetes'],
  bind: (node, path, r) => {
    const kinds = kindsParam(node, path, r);
    return { run: (ctx) => egressRules(ctx, kinds) };
  },
};

function egressRules(ctx: CheckContext, kinds: string[]): PolicyReason[] {
  const { workloads, missing } = workloadsOf(ctx, kinds);
  const out = [...missing];
  for (const w of workloads) {
    const who = describeResource(w.obj.kind, w.obj.name);
    const restricting = selecting(ctx, w).filter((p) => policyTypes(p).includes('Egress'));
    if (restricting.length === 0) {
      out.push({ file: w.obj.file, line: w.obj.line, message: `no NetworkPolicy restricts egress of ${who}` });
      continue;
    }
    const mine = restricting.flatMap((p) => rules(p, 'egress').map((rule) => ({ p, rule })));
    if (mine.length === 0) out.push({ file: restricting[0].file, line: restricting[0].line, message: `no egress rule lists the destinations ${who} may reach (DNS, Redis, PostgreSQL…)` });
    for (const { p, rule } of mine) {
      const to = rule.get('to')?.items() ?? [];
      const ports = rule.get('ports')?.items() ?? [];
      if (to.length === 0 && ports.length === 0) out.push({ file: p.file, line: rule.line, message: `NetworkPolicy ${p.name} lets ${who} reach any destination (the egress rule has neither to: nor ports:)` });
      for (const peer of to) {
        const open = openPeer(peer);
        if (open && ports.length === 0) out.push({ file: p.file, line: peer.line, message: `NetworkPolicy ${p.name} lets ${who} reach ${open} on any port` });
      }
    }
  }
  return out;
}
