import type { CheckDef } from './finding.js';

const REF = 'https://docs.docker.com/reference/compose-file/services/';

function def(id: string, severity: CheckDef['severity'], title: string, remediation: string, cis: string): CheckDef {
  return { id, severity, title, remediation, references: { cis, urls: [REF] } };
}

/** Docker Compose service checks. */
export const DC = {
  privileged: def('CP-DC-001', 'HIGH', 'Privileged service', 'Remove `privileged: true`.', 'CIS Docker 5.4'),
  user: def('CP-DC-002', 'MEDIUM', 'Service runs as root or the image default user', 'Set `user: "1000:1000"`.', 'CIS Docker 4.1'),
  readOnly: def('CP-DC-003', 'MEDIUM', 'Root filesystem is writable', 'Set `read_only: true` and mount tmpfs for scratch space.', 'CIS Docker 5.12'),
  capDrop: def('CP-DC-004', 'LOW', 'Capabilities not dropped', 'Set `cap_drop: [ALL]`.', 'CIS Docker 5.3'),
  noNewPrivileges: def('CP-DC-005', 'MEDIUM', 'no-new-privileges not set', 'Add `security_opt: ["no-new-privileges:true"]`.', 'CIS Docker 5.25'),
  memoryLimit: def('CP-DC-006', 'LOW', 'No memory limit', 'Set `deploy.resources.limits.memory` (or `mem_limit`).', 'CIS Docker 5.10'),
  cpuLimit: def('CP-DC-007', 'LOW', 'No CPU limit', 'Set `deploy.resources.limits.cpus` (or `cpus`).', 'CIS Docker 5.11'),
  publishedPort: def('CP-DC-008', 'MEDIUM', 'Publishes a port that is not allowed', 'Publish only the allowed ports, bound to a specific interface where possible.', 'CIS Docker 5.13'),
  hostNetwork: def('CP-DC-009', 'HIGH', 'Service uses the host network', 'Remove `network_mode: host`.', 'CIS Docker 5.9'),
  dockerSocket: def('CP-DC-010', 'CRITICAL', 'Docker socket mounted', 'Do not mount /var/run/docker.sock into containers.', 'CIS Docker 5.31'),
} satisfies Record<string, CheckDef>;
