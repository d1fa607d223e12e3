import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The repository root, so the tests read the deploy files users get. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Files below `dir` (relative to the root), recursively, as root-relative paths. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const p = join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every document of a YAML stream as plain data; a syntax error fails with the file and line. */
export function parseYamlFile(path: string): unknown[] {
  const docs = parseAllDocuments(read(path), { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) if (d.errors.length > 0) throw new Error(`${path}: ${d.errors.map((e) => e.message).join('; ')}`);
  return list.map((d) => d.toJS() as unknown).filter((d) => d !== null);
}

/** A value at a dotted path (numeric segments index arrays); undefined when absent. */
export function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const key of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObj(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export interface K8sObject {
  file: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  body: Obj;
}

/** Every Kubernetes object in deploy/k8s (the kustomization file excluded). */
export function k8sObjects(): K8sObject[] {
  return filesUnder('deploy/k8s')
    .filter((f) => /\.ya?ml$/.test(f) && !f.endsWith('kustomization.yaml'))
    .flatMap((file) =>
      parseYamlFile(file).filter(isObj).map((body) => ({
        file,
        kind: String(body.kind),
        name: String(at(body, 'metadata.name')),
        namespace: at(body, 'metadata.namespace') as string | undefined,
        body,
      })),
    );
}

/** A label selector (matchLabels and matchExpressions) applied to a set of labels, as the API server does. */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObj(selector)) return false;
  for (const [k, v] of Object.entries(isObj(selector.matchLabels) ? selector.matchLabels : {})) if (labels[k] !== String(v)) return false;
  for (const e of list(selector.matchExpressions)) {
    if (!isObj(e)) return false;
    const key = String(e.key);
    const values = list(e.values).map(String);
    const has = key in labels;
    if (e.operator === 'In' && !(has && values.includes(labels[key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Names that hold credentials; their values must come from a Secret or an env file, never the repo. */
export const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|DATABASE_URL|REDIS_URL)/i;
