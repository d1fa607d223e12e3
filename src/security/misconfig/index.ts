import { analyzeCompose } from './compose.js';
import { analyzeDockerfile } from './dockerfile.js';
import { compareFindings } from './finding.js';
import type { Misconfiguration, MisconfigOptions } from './finding.js';
import { analyzeKubernetes } from './kubernetes.js';

export type { CheckDef, CheckReferences, Misconfiguration, MisconfigOptions, ResourceRef } from './finding.js';
export { compareFindings } from './finding.js';
export { analyzeDockerfile } from './dockerfile.js';
export { analyzeKubernetes } from './kubernetes.js';
export { analyzeCompose } from './compose.js';
export { analyzeImageConfig } from './image-config.js';

export type ConfigFileType = 'dockerfile' | 'compose' | 'kubernetes';

/** Which analyzer wants a file, by name and (for YAML) content; null for none. */
export function detectConfigType(path: string, content: string): ConfigFileType | null {
  const base = path.split('/').pop() ?? path;
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored; one optional `.*` run with nothing after it but $
  if (/^(Dockerfile|Containerfile)([.-].*)?$/i.test(base) || /\.(dockerfile|containerfile)$/i.test(base)) return 'dockerfile';
  if (!/\.ya?ml$/i.test(base)) return null;
  if (/^(docker-)?compose[\w.-]*\.ya?ml$/i.test(base)) return 'compose';
  if (/^\s*apiVersion\s*:/m.test(content) && /^\s*kind\s*:/m.test(content)) return 'kubernetes';
  return null;
}

/**
 * Analyzes a set of configuration files; Kubernetes manifests are checked together so
 * NetworkPolicies and Services apply across files. Files of no known type are ignored.
 * Suppressed findings are included, with `suppressed.reason` set. Sorted by file, line, id.
 *
 * @example analyzeConfigFiles([{ path: 'Dockerfile', content }], { allowedPorts: [8000] })
 */
export function analyzeConfigFiles(files: { path: string; content: string }[], options: MisconfigOptions = {}): Misconfiguration[] {
  const out: Misconfiguration[] = [];
  const manifests: { path: string; content: string }[] = [];
  for (const f of files) {
    const type = detectConfigType(f.path, f.content);
    if (type === 'dockerfile') out.push(...analyzeDockerfile(f.path, f.content, options));
    else if (type === 'compose') out.push(...analyzeCompose(f.path, f.content, options));
    else if (type === 'kubernetes') manifests.push(f);
  }
  if (manifests.length > 0) out.push(...analyzeKubernetes(manifests, options));
  return out.sort(compareFindings);
}
