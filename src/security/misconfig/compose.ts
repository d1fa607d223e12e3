import { DC } from './checks-compose.js';
import { makeFinding, resolveOptions } from './finding.js';
import type { CheckDef, Misconfiguration, MisconfigOptions } from './finding.js';
import { applyLineSuppressions, collectLineSuppressions } from './suppress.js';
import type { YNode } from './yaml-node.js';
import { parseYamlDocuments } from './yaml-node.js';

/**
 * Checks every service of a Docker Compose file.
 *
 * @example analyzeCompose('docker-compose.yml', 'services:\n  app:\n    image: x:1\n    privileged: true\n')
 */
export function analyzeCompose(file: string, content: string, options: MisconfigOptions = {}): Misconfiguration[] {
  const opts = resolveOptions(options);
  const out: Misconfiguration[] = [];
  const starts = new Map<string, number>();
  for (const root of parseYamlDocuments(content).roots) {
    const services = root.get('services');
    for (const name of services?.keys() ?? []) {
      const svc = services?.get(name);
      if (!svc?.isMap()) continue;
      starts.set(name, svc.line);
      const at = (check: CheckDef, node: YNode | undefined, description: string) =>
        out.push(makeFinding(check, { file, line: (node ?? svc).line, resource: { kind: 'ComposeService', name }, description }));
      checkService(svc, opts.allowedPorts, at);
    }
  }
  applyLineSuppressions(out, collectLineSuppressions(content), (f) => {
    const line = starts.get(f.resource.name);
    return line === undefined ? [] : [line];
  });
  return out;
}

type At = (check: CheckDef, node: YNode | undefined, description: string) => void;

function checkService(svc: YNode, allowedPorts: number[], at: At): void {
  const priv = svc.get('privileged');
  if (priv?.scalar() === true) at(DC.privileged, priv, 'privileged is true.');
  const user = svc.get('user');
  const uid = (user?.str() ?? '').split(':')[0];
  if (uid === '' || uid === 'root' || uid === '0') at(DC.user, user, user ? `user is ${user.str() ?? ''}.` : 'No user is set.');
  const ro = svc.get('read_only');
  if (ro?.scalar() !== true) at(DC.readOnly, ro, 'read_only is not true.');
  const drop = (svc.get('cap_drop')?.items() ?? []).map((c) => (c.str() ?? '').toUpperCase());
  if (!drop.includes('ALL')) at(DC.capDrop, svc.get('cap_drop'), 'cap_drop does not include ALL.');
  const opts = (svc.get('security_opt')?.items() ?? []).map((o) => (o.str() ?? '').replace(/\s/g, ''));
  if (!opts.some((o) => o === 'no-new-privileges' || o === 'no-new-privileges:true' || o === 'no-new-privileges=true')) {
    at(DC.noNewPrivileges, svc.get('security_opt'), 'security_opt lacks no-new-privileges:true.');
  }
  const limits = svc.at('deploy.resources.limits');
  if (!limits?.get('memory') && !svc.get('mem_limit')) at(DC.memoryLimit, limits, 'No memory limit is set.');
  if (!limits?.get('cpus') && !svc.get('cpus')) at(DC.cpuLimit, limits, 'No CPU limit is set.');
  for (const p of svc.get('ports')?.items() ?? []) {
    const published = publishedPort(p);
    if (published !== null && !allowedPorts.includes(Number(published))) {
      at(DC.publishedPort, p, `Publishes host port ${published} (allowed: ${allowedPorts.join(', ')}).`);
    }
  }
  const net = svc.get('network_mode');
  if (net?.str() === 'host') at(DC.hostNetwork, net, 'network_mode is host.');
  for (const v of svc.get('volumes')?.items() ?? []) {
    const source = v.isMap() ? v.get('source')?.str() : v.str()?.split(':')[0];
    if (source && /^\/(var\/)?run\/docker\.sock$/.test(source)) at(DC.dockerSocket, v, `Mounts ${source}.`);
  }
}

/** The host side of a ports entry: "8080:80", "127.0.0.1:8080:80/tcp", { published: 8080 }; null when only a container port. */
function publishedPort(p: YNode): string | null {
  if (p.isMap()) return p.get('published')?.str() ?? null;
  const raw = (p.str() ?? '').split('/')[0];
  const parts = raw.split(':');
  if (parts.length < 2) return null;
  return parts[parts.length - 2];
}
