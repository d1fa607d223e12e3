import { resolveOptions } from './finding.js';
import type { Misconfiguration, MisconfigOptions } from './finding.js';
import { collectObjects, toWorkload } from './k8s-objects.js';
import type { K8sObject, Workload } from './k8s-objects.js';
import { checkNetworkPolicies, checkServices } from './kubernetes-network.js';
import { checkWorkload } from './kubernetes-pod.js';
import { IGNORE_ANNOTATION, applyLineSuppressions, collectLineSuppressions, parseIgnoreAnnotation } from './suppress.js';

/**
 * Checks a set of Kubernetes manifests together, so NetworkPolicies and Services in one file
 * count for workloads in another. Files may hold several documents, anchors and `kind: List`.
 *
 * @example analyzeKubernetes([{ path: 'k8s/app.yaml', content }], { allowedPorts: [8000] })
 */
export function analyzeKubernetes(files: { path: string; content: string }[], options: MisconfigOptions = {}): Misconfiguration[] {
  const opts = resolveOptions(options);
  const objects: K8sObject[] = [];
  const lineSup = new Map<string, ReturnType<typeof collectLineSuppressions>>();
  for (const f of files) {
    objects.push(...collectObjects(f.path, f.content).objects);
    lineSup.set(f.path, collectLineSuppressions(f.content));
  }
  const workloads = objects.map(toWorkload).filter((w): w is Workload => w !== null);
  const out: Misconfiguration[] = [];
  for (const w of workloads) out.push(...checkWorkload(w, opts));
  out.push(...checkNetworkPolicies(workloads, objects.filter((o) => o.kind === 'NetworkPolicy'), opts));
  out.push(...checkServices(objects.filter((o) => o.kind === 'Service'), opts));

  applyAnnotations(out, objects, workloads);
  const startLine = new Map(objects.map((o) => [`${o.file}\0${o.kind}\0${o.name}`, o.line]));
  for (const [file, sup] of lineSup) {
    applyLineSuppressions(out.filter((f) => f.file === file), sup, (f) => {
      const line = startLine.get(`${f.file}\0${f.resource.kind}\0${f.resource.name}`);
      return line === undefined ? [] : [line];
    });
  }
  return out;
}

/** Honours `churn-predictor.io/ignore` on the object (or its pod template) the finding names. */
function applyAnnotations(findings: Misconfiguration[], objects: K8sObject[], workloads: Workload[]): void {
  const byResource = new Map<string, Map<string, string>>();
  const annotationsOf = new Map(workloads.map((w) => [w.obj, w.annotations]));
  for (const o of objects) {
    const ann = annotationsOf.get(o) ?? Object.fromEntries(Object.entries((o.node.at('metadata.annotations')?.js() ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    const value = ann[IGNORE_ANNOTATION];
    if (value) byResource.set(`${o.kind}\0${o.name}`, parseIgnoreAnnotation(value));
  }
  for (const f of findings) {
    const reason = byResource.get(`${f.resource.kind}\0${f.resource.name}`)?.get(f.id);
    if (reason !== undefined && !f.suppressed) f.suppressed = { reason };
  }
}
