import { LineCounter, parseAllDocuments, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { NO_OPTIONS, scanSecrets } from './scanner.js';
import type { ScanSecretsOptions, SecretFinding } from './types.js';

/*
 * Secrets outside plain files: each value is scanned as a synthetic `NAME=value` line, so the
 * generic assignment rules see the variable name, and the finding is moved to where the value sits.
 */

function scanAssignment(name: string, value: string, path: string, line: number, reason: string, options: ScanSecretsOptions): SecretFinding[] {
  const text = `${name}=${value}`;
  return scanSecrets(Buffer.from(text, 'latin1'), path, options).map((f) => ({ ...f, line: line + f.line - 1, reason: f.reason ?? reason }));
}

/**
 * Scans an image config's `Env` (`NAME=value` strings). `path` names the source in findings;
 * `line` is the 1-based index of the variable.
 *
 * @example
 * scanImageConfigEnv(info.config?.env ?? [])
 */
export function scanImageConfigEnv(env: readonly string[], options: ScanSecretsOptions = NO_OPTIONS, path = 'image config Env'): SecretFinding[] {
  return env.flatMap((entry, i) => {
    const eq = entry.indexOf('=');
    return eq < 0 ? [] : scanAssignment(entry.slice(0, eq), entry.slice(eq + 1), path, i + 1, 'image config Env', options);
  });
}

const scalarString = (n: unknown): string | null => (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : null);

function lineOf(node: Node | null | undefined, counter: LineCounter): number {
  const start = node?.range?.[0];
  return start === undefined ? 1 : counter.linePos(start).line;
}

function mapPairs(node: unknown): Pair[] {
  return isMap(node) ? node.items : [];
}

function get(node: unknown, key: string): unknown {
  return isMap(node) ? node.get(key, true) : undefined;
}

/** Every `env: [{ name, value }]` list under a node (containers, init containers, templates). */
function collectEnv(node: unknown, out: { name: string; value: Node }[]): void {
  if (isSeq(node)) for (const item of node.items) collectEnv(item, out);
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const key = scalarString(pair.key);
    if (key === 'env' && isSeq(pair.value)) {
      for (const item of pair.value.items) {
        const name = scalarString(get(item, 'name'));
        const value = get(item, 'value');
        if (name !== null && isScalar(value)) out.push({ name, value });
      }
    } else collectEnv(pair.value, out);
  }
}

function scanSecretDoc(secret: unknown, counter: LineCounter, path: string, options: ScanSecretsOptions): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const pair of mapPairs(get(secret, 'data'))) {
    const name = scalarString(pair.key);
    const raw = scalarString(pair.value);
    if (name === null || raw === null) continue;
    const decoded = Buffer.from(raw.replace(/\s+/g, ''), 'base64');
    if (decoded.indexOf(0) >= 0) continue;
    out.push(...scanAssignment(name, decoded.toString('latin1'), path, lineOf(pair.value as Node, counter), 'Kubernetes Secret data (base64-decoded)', options));
  }
  for (const pair of mapPairs(get(secret, 'stringData'))) {
    const name = scalarString(pair.key);
    const raw = scalarString(pair.value);
    if (name !== null && raw !== null) out.push(...scanAssignment(name, raw, path, lineOf(pair.value as Node, counter), 'Kubernetes Secret stringData', options));
  }
  return out;
}

/**
 * Scans Kubernetes manifests (multi-document YAML, `List` kinds included): a `Secret`'s `data`
 * values base64-decoded and its `stringData`, and every container `env` value of any kind.
 * Lines point into the YAML. A document that does not parse is skipped (its raw text is still
 * what `scanSecrets` sees when the file itself is scanned).
 *
 * @example
 * scanKubernetesSecretData(readFileSync('deploy/k8s/secret.yaml', 'utf8'), 'deploy/k8s/secret.yaml')
 */
export function scanKubernetesSecretData(yamlText: string, path: string, options: ScanSecretsOptions = NO_OPTIONS): SecretFinding[] {
  const counter = new LineCounter();
  const out: SecretFinding[] = [];
  for (const doc of parseAllDocuments(yamlText, { lineCounter: counter, uniqueKeys: false })) {
    if (doc.errors.length > 0) continue;
    const docs: unknown[] = [doc.contents];
    const items = get(doc.contents, 'items');
    if (scalarString(get(doc.contents, 'kind'))?.endsWith('List') === true && isSeq(items)) docs.push(...items.items);
    for (const node of docs) {
      if (scalarString(get(node, 'kind')) === 'Secret') out.push(...scanSecretDoc(node, counter, path, options));
    }
    const env: { name: string; value: Node }[] = [];
    collectEnv(doc.contents, env);
    for (const { name, value } of env) out.push(...scanAssignment(name, scalarString(value) ?? '', path, lineOf(value, counter), 'Kubernetes container env', options));
  }
  return out;
}

/**
 * Scans a Compose file's `services.*.environment` (map or `NAME=value` list).
 *
 * @example
 * scanComposeEnvironment(readFileSync('docker-compose.yml', 'utf8'), 'docker-compose.yml')
 */
export function scanComposeEnvironment(yamlText: string, path: string, options: ScanSecretsOptions = NO_OPTIONS): SecretFinding[] {
  const counter = new LineCounter();
  const out: SecretFinding[] = [];
  for (const doc of parseAllDocuments(yamlText, { lineCounter: counter, uniqueKeys: false })) {
    if (doc.errors.length > 0) continue;
    for (const service of mapPairs(get(doc.contents, 'services'))) {
      const env = get(service.value, 'environment');
      const reason = 'Compose environment';
      if (isSeq(env)) {
        for (const item of env.items) {
          const text = scalarString(item);
          const eq = text?.indexOf('=') ?? -1;
          if (text !== null && eq > 0) out.push(...scanAssignment(text.slice(0, eq), text.slice(eq + 1), path, lineOf(item as Node, counter), reason, options));
        }
      }
      for (const pair of mapPairs(env)) {
        const name = scalarString(pair.key);
        const value = scalarString(pair.value);
        if (name !== null && value !== null) out.push(...scanAssignment(name, value, path, lineOf(pair.value as Node, counter), reason, options));
      }
    }
  }
  return out;
}
