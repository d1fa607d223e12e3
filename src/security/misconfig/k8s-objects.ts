import type { YNode } from './yaml-node.js';
import { parseYamlDocuments } from './yaml-node.js';

export interface K8sObject {
  file: string;
  kind: string;
  name: string;
  namespace: string;
  node: YNode;
  line: number;
}

export interface Workload {
  obj: K8sObject;
  podSpec: YNode;
  /** Labels of the pods it creates (template labels; the object's own for a bare Pod). */
  podLabels: Record<string, string>;
  /** Annotations from the object and its pod template, merged. */
  annotations: Record<string, string>;
}

export const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** Every Kubernetes object in a YAML stream, with `kind: List` (and `*List`) items expanded. */
export function collectObjects(file: string, content: string): { objects: K8sObject[]; errors: string[] } {
  const { roots, errors } = parseYamlDocuments(content);
  const objects: K8sObject[] = [];
  const visit = (n: YNode) => {
    const kind = n.get('kind')?.str();
    if (!kind) return;
    if (kind === 'List' || (kind.endsWith('List') && n.get('items'))) {
      for (const item of n.get('items')?.items() ?? []) visit(item);
      return;
    }
    if (!n.get('apiVersion')) return;
    objects.push({
      file,
      kind,
      name: n.at('metadata.name')?.str() ?? '',
      namespace: n.at('metadata.namespace')?.str() ?? '',
      node: n,
      line: n.line,
    });
  };
  for (const r of roots) visit(r);
  return { objects, errors };
}

/** The pod template of a workload object, or null for other kinds. */
export function toWorkload(obj: K8sObject): Workload | null {
  if (!WORKLOAD_KINDS.has(obj.kind)) return null;
  const n = obj.node;
  const template = obj.kind === 'Pod' ? n : obj.kind === 'CronJob' ? n.at('spec.jobTemplate.spec.template') : n.at('spec.template');
  const podSpec = template?.get('spec');
  if (!template || !podSpec) return null;
  return {
    obj,
    podSpec,
    podLabels: stringMap(template.at('metadata.labels')),
    annotations: { ...stringMap(n.at('metadata.annotations')), ...(template === n ? {} : stringMap(template.at('metadata.annotations'))) },
  };
}

export function stringMap(n: YNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const js = n?.js();
  if (js && typeof js === 'object' && !Array.isArray(js)) {
    for (const [k, v] of Object.entries(js as Record<string, unknown>)) if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}
