import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { formatReference, parseTarget } from '../target/index.js';

function absolute(path: string, cwd: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return resolve(cwd, path);
}

/**
 * The name a target's scans are filed under, so that two spellings of one target share a
 * history: image references fully qualified (`nginx`, `docker://nginx` and
 * `docker.io/library/nginx:latest` are one target), paths made absolute (`./app` and `fs:/abs/app`
 * are one). A rebuilt image under the same reference is the same target with a new digest.
 *
 * @example trackingKey('nginx') // 'docker.io/library/nginx:latest'
 */
export function trackingKey(target: string, cwd = process.cwd()): string {
  const spec = parseTarget(target);
  switch (spec.kind) {
    case 'registry':
    case 'image':
      return formatReference(spec.ref);
    case 'fs':
    case 'docker-archive':
      return `${spec.kind}:${absolute(spec.path, cwd)}`;
    case 'oci':
    case 'oci-archive':
      return `${spec.kind}:${absolute(spec.path, cwd)}${spec.tag !== null ? `:${spec.tag}` : ''}`;
  }
}
