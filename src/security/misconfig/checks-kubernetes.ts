import type { CheckDef } from './finding.js';

const PSS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
const SC = 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/';
const RES = 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/';
const NP = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';

function def(id: string, severity: CheckDef['severity'], title: string, remediation: string, refs: Omit<CheckDef['references'], 'urls'>, url: string): CheckDef {
  return { id, severity, title, remediation, references: { ...refs, urls: [url] } };
}

/** Kubernetes checks: per container, per pod, and across the set of manifests. */
export const K8S = {
  runAsNonRoot: def('CP-K8S-001', 'MEDIUM', 'Container may run as root', 'Set `securityContext.runAsNonRoot: true` on the pod or container.',
    { cis: 'CIS Kubernetes 5.2.7', pss: 'restricted: Running as Non-root', trivy: 'KSV012' }, PSS),
  runAsUser: def('CP-K8S-002', 'MEDIUM', 'Container does not run as UID 1000', 'Set `securityContext.runAsUser: 1000` (the project UID).',
    { cis: 'CIS Kubernetes 5.2.7', pss: 'restricted: Running as Non-root user', trivy: 'KSV105' }, SC),
  readOnlyRootFs: def('CP-K8S-003', 'MEDIUM', 'Root filesystem is writable', 'Set `securityContext.readOnlyRootFilesystem: true`; mount an emptyDir for scratch space.',
    { trivy: 'KSV014' }, SC),
  privilegeEscalation: def('CP-K8S-004', 'MEDIUM', 'Privilege escalation allowed', 'Set `securityContext.allowPrivilegeEscalation: false`.',
    { cis: 'CIS Kubernetes 5.2.6', pss: 'restricted: Privilege Escalation', trivy: 'KSV001' }, PSS),
  privileged: def('CP-K8S-005', 'HIGH', 'Privileged container', 'Remove `securityContext.privileged: true`.',
    { cis: 'CIS Kubernetes 5.2.2', pss: 'baseline: Privileged Containers', trivy: 'KSV017' }, PSS),
  dropAll: def('CP-K8S-006', 'LOW', 'Capabilities not dropped', 'Set `securityContext.capabilities.drop: ["ALL"]`.',
    { cis: 'CIS Kubernetes 5.2.10', pss: 'restricted: Capabilities', trivy: 'KSV003' }, PSS),
  dangerousCaps: def('CP-K8S-007', 'HIGH', 'Dangerous capability added', 'Remove the capability from `securityContext.capabilities.add`.',
    { cis: 'CIS Kubernetes 5.2.9', pss: 'baseline: Capabilities', trivy: 'KSV022' }, PSS),
  seccomp: def('CP-K8S-008', 'MEDIUM', 'Seccomp profile not RuntimeDefault', 'Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod or container.',
    { cis: 'CIS Kubernetes 5.7.2', pss: 'restricted: Seccomp', trivy: 'KSV030' }, SC),
  cpuRequests: def('CP-K8S-009', 'LOW', 'CPU requests not set', 'Set `resources.requests.cpu`.', { trivy: 'KSV015' }, RES),
  cpuLimits: def('CP-K8S-010', 'LOW', 'CPU limits not set', 'Set `resources.limits.cpu`.', { trivy: 'KSV011' }, RES),
  memoryRequests: def('CP-K8S-011', 'LOW', 'Memory requests not set', 'Set `resources.requests.memory`.', { trivy: 'KSV016' }, RES),
  memoryLimits: def('CP-K8S-012', 'LOW', 'Memory limits not set', 'Set `resources.limits.memory`.', { trivy: 'KSV018' }, RES),
  hostNetwork: def('CP-K8S-013', 'HIGH', 'Pod shares the host network', 'Remove `hostNetwork: true`.',
    { cis: 'CIS Kubernetes 5.2.5', pss: 'baseline: Host Namespaces', trivy: 'KSV009' }, PSS),
  hostPID: def('CP-K8S-014', 'HIGH', 'Pod shares the host PID namespace', 'Remove `hostPID: true`.',
    { cis: 'CIS Kubernetes 5.2.3', pss: 'baseline: Host Namespaces', trivy: 'KSV010' }, PSS),
  hostIPC: def('CP-K8S-015', 'HIGH', 'Pod shares the host IPC namespace', 'Remove `hostIPC: true`.',
    { cis: 'CIS Kubernetes 5.2.4', pss: 'baseline: Host Namespaces', trivy: 'KSV008' }, PSS),
  hostPath: def('CP-K8S-016', 'MEDIUM', 'hostPath volume', 'Use emptyDir, configMap, secret or a PersistentVolumeClaim instead of hostPath.',
    { cis: 'CIS Kubernetes 5.2.12', pss: 'baseline: HostPath Volumes', trivy: 'KSV023' }, PSS),
  hostPort: def('CP-K8S-017', 'MEDIUM', 'Container uses a host port', 'Remove `hostPort`; expose the pod through a Service.',
    { cis: 'CIS Kubernetes 5.2.13', pss: 'baseline: Host Ports', trivy: 'KSV024' }, PSS),
  imageTag: def('CP-K8S-018', 'MEDIUM', 'Image uses the latest tag or no tag', 'Pin the image to a version tag or digest.',
    { trivy: 'KSV013' }, 'https://kubernetes.io/docs/concepts/containers/images/'),
  serviceAccountToken: def('CP-K8S-019', 'LOW', 'Service account token mounted', 'Set `automountServiceAccountToken: false` unless the pod calls the API server.',
    { cis: 'CIS Kubernetes 5.1.6', trivy: 'KSV036' }, 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/'),
  noNetworkPolicy: def('CP-K8S-020', 'MEDIUM', 'No NetworkPolicy selects the workload', 'Add a NetworkPolicy whose podSelector matches the workload labels.',
    { cis: 'CIS Kubernetes 5.3.2' }, NP),
  ingressOpen: def('CP-K8S-021', 'MEDIUM', 'NetworkPolicy ingress not restricted to allowed ports', 'List only the allowed ports (ALLOWED_INGRESS_PORTS) under each `ingress[].ports`.',
    { cis: 'CIS Kubernetes 5.3.2' }, NP),
  egressOpen: def('CP-K8S-022', 'MEDIUM', 'Egress not restricted', 'Add `Egress` to `policyTypes` and list only the destinations the workload needs.',
    { cis: 'CIS Kubernetes 5.3.2' }, NP),
  servicePort: def('CP-K8S-023', 'MEDIUM', 'Service exposes a port that is not allowed', 'Expose only the allowed ports (ALLOWED_INGRESS_PORTS).',
    {}, 'https://kubernetes.io/docs/concepts/services-networking/service/'),
} satisfies Record<string, CheckDef>;
