import { K8S } from './checks-kubernetes.js';
import { makeFinding } from './finding.js';
import type { CheckDef, Misconfiguration, ResolvedOptions } from './finding.js';
import { imageTag } from './image-tag.js';
import type { Workload } from './k8s-objects.js';
import type { YNode } from './yaml-node.js';

const DANGEROUS_CAPS = new Set([
  'ALL', 'SYS_ADMIN', 'NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME',
  'DAC_READ_SEARCH', 'MAC_ADMIN', 'MAC_OVERRIDE', 'BPF', 'PERFMON', 'SETFCAP',
]);

/** Pod- and container-level checks for one workload. */
export function checkWorkload(w: Workload, opts: ResolvedOptions): Misconfiguration[] {
  const out: Misconfiguration[] = [];
  const { obj, podSpec } = w;
  const at = (check: CheckDef, node: YNode, description: string, container?: string) =>
    out.push(makeFinding(check, {
      file: obj.file,
      line: node.line,
      resource: container === undefined ? { kind: obj.kind, name: obj.name } : { kind: obj.kind, name: obj.name, container },
      description,
    }));

  for (const [key, check] of [['hostNetwork', K8S.hostNetwork], ['hostPID', K8S.hostPID], ['hostIPC', K8S.hostIPC]] as const) {
    const n = podSpec.get(key);
    if (n?.scalar() === true) at(check, n, `${key} is true.`);
  }
  for (const v of podSpec.get('volumes')?.items() ?? []) {
    const hp = v.get('hostPath');
    if (hp) at(K8S.hostPath, hp, `Volume ${v.get('name')?.str() ?? '?'} mounts host path ${hp.get('path')?.str() ?? '?'}.`);
  }
  const automount = podSpec.get('automountServiceAccountToken');
  if (automount?.scalar() !== false) at(K8S.serviceAccountToken, automount ?? podSpec, 'automountServiceAccountToken is not false.');

  const podSc = podSpec.get('securityContext');
  const containers = [
    ...(podSpec.get('initContainers')?.items() ?? []),
    ...(podSpec.get('containers')?.items() ?? []),
  ];
  for (const c of containers) checkContainer(c, podSc, opts, at);
  return out;
}

type At = (check: CheckDef, node: YNode, description: string, container?: string) => void;

function checkContainer(c: YNode, podSc: YNode | undefined, opts: ResolvedOptions, at: At): void {
  const name = c.get('name')?.str() ?? '?';
  const sc = c.get('securityContext');
  const eff = (key: string) => sc?.get(key) ?? podSc?.get(key);
  const flag = (check: CheckDef, node: YNode | undefined, description: string) => at(check, node ?? c, description, name);

  const nonRoot = eff('runAsNonRoot');
  if (nonRoot?.scalar() !== true) flag(K8S.runAsNonRoot, nonRoot, 'runAsNonRoot is not true.');
  const uid = eff('runAsUser');
  const uidValue = uid?.scalar();
  if (uidValue !== opts.requiredUid) {
    const why = uid === undefined ? 'runAsUser is not set' : uidValue === 0 ? 'runAsUser is 0 (root)' : `runAsUser is ${String(uidValue)}`;
    flag(K8S.runAsUser, uid, `${why}; the project requires UID ${opts.requiredUid}.`);
  }
  const ro = sc?.get('readOnlyRootFilesystem');
  if (ro?.scalar() !== true) flag(K8S.readOnlyRootFs, ro, 'readOnlyRootFilesystem is not true.');
  const ape = sc?.get('allowPrivilegeEscalation');
  if (ape?.scalar() !== false) flag(K8S.privilegeEscalation, ape, 'allowPrivilegeEscalation is not false.');
  const priv = sc?.get('privileged');
  if (priv?.scalar() === true) flag(K8S.privileged, priv, 'privileged is true.');

  const caps = sc?.get('capabilities');
  const drop = (caps?.get('drop')?.items() ?? []).map(capName);
  if (!drop.includes('ALL')) flag(K8S.dropAll, caps?.get('drop') ?? caps, 'capabilities.drop does not include ALL.');
  for (const a of caps?.get('add')?.items() ?? []) {
    const cap = capName(a);
    if (DANGEROUS_CAPS.has(cap)) flag(K8S.dangerousCaps, a, `capabilities.add includes ${cap}.`);
  }

  const seccomp = sc?.at('seccompProfile.type') ?? podSc?.at('seccompProfile.type');
  const type = seccomp?.str();
  if (type !== 'RuntimeDefault' && type !== 'Localhost') flag(K8S.seccomp, seccomp, type ? `seccompProfile.type is ${type}.` : 'No seccompProfile is set.');

  const res = c.get('resources');
  const need: [string, CheckDef][] = [
    ['requests.cpu', K8S.cpuRequests], ['limits.cpu', K8S.cpuLimits],
    ['requests.memory', K8S.memoryRequests], ['limits.memory', K8S.memoryLimits],
  ];
  for (const [path, check] of need) if (res?.at(path) === undefined) flag(check, res, `resources.${path} is not set.`);

  for (const p of c.get('ports')?.items() ?? []) {
    const hp = p.get('hostPort');
    if (hp !== undefined && hp.scalar() !== 0) flag(K8S.hostPort, hp, `hostPort ${hp.str() ?? ''} is set.`);
  }

  const imageNode = c.get('image');
  const image = imageNode?.str() ?? '';
  const tag = imageTag(image);
  if (!image.includes('@') && (tag === null || tag === 'latest')) {
    flag(K8S.imageTag, imageNode, image === '' ? 'No image is set.' : `Image ${image} ${tag === null ? 'has no tag' : 'uses latest'}.`);
  }
}

function capName(n: YNode): string {
  return (n.str() ?? '').toUpperCase().replace(/^CAP_/, '');
}
