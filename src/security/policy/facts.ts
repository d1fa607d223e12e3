import { LineCounter, parseAllDocuments } from 'yaml';
import { collectObjects, toWorkload } from '../misconfig/k8s-objects.js';
import type { K8sObject, Workload } from '../misconfig/k8s-objects.js';
import { parseYamlDocuments } from '../misconfig/yaml-node.js';
import type { YNode } from '../misconfig/yaml-node.js';
import { readCompose } from './compose-facts.js';
import type { ComposeFacts } from './compose-facts.js';
import { readDockerfile } from './dockerfile-facts.js';
import type { DockerfileFacts } from './dockerfile-facts.js';
import type { DeployTree, PolicyReason, SourceFile, SourceKind } from './types.js';

/** Parsed views of the deploy files, computed once per evaluation and shared by every check. */
export interface Facts {
  files(kind: SourceKind): SourceFile[];
  dockerfile(): DockerfileFacts | null;
  k8sObjects(): K8sObject[];
  workloads(): Workload[];
  compose(): ComposeFacts | null;
  workflows(): { file: string; root: YNode }[];
  /** YAML syntax errors of a source's files (a broken document is skipped by the checks). */
  syntaxErrors(kind: SourceKind): PolicyReason[];
}

function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

function yamlErrors(f: SourceFile): PolicyReason[] {
  const lc = new LineCounter();
  const out: PolicyReason[] = [];
  for (const doc of parseAllDocuments(f.content, { lineCounter: lc, uniqueKeys: false })) {
    const e = doc.errors[0];
    if (e) out.push({ file: f.path, line: e.linePos?.[0].line ?? 0, message: `not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` });
  }
  return out;
}

export function buildFacts(tree: DeployTree, projectImage: string): Facts {
  const files = (kind: SourceKind): SourceFile[] => {
    const s = tree.sources[kind];
    return s.state === 'found' ? s.files : [];
  };
  const k8sObjects = once(() => files('kubernetes').flatMap((f) => collectObjects(f.path, f.content).objects));
  const errors = new Map<SourceKind, PolicyReason[]>();
  return {
    files,
    dockerfile: once(() => {
      const [f] = files('dockerfile');
      return f ? readDockerfile(f.path, f.content) : null;
    }),
    k8sObjects,
    workloads: once(() => k8sObjects().map(toWorkload).filter((w): w is Workload => w !== null)),
    compose: once(() => {
      const [f] = files('compose');
      const root = f ? parseYamlDocuments(f.content).roots[0] : undefined;
      return f && root ? readCompose(f.path, root, projectImage) : null;
    }),
    workflows: once(() => files('workflows').flatMap((f) => parseYamlDocuments(f.content).roots.slice(0, 1).map((root) => ({ file: f.path, root })))),
    syntaxErrors(kind) {
      if (kind === 'dockerfile') return [];
      let e = errors.get(kind);
      if (!e) errors.set(kind, (e = files(kind).flatMap(yamlErrors)));
      return e;
    },
  };
}
