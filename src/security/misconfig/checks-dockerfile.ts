import type { CheckDef } from './finding.js';

const HADOLINT = 'https://github.com/hadolint/hadolint/wiki/';
const BEST = 'https://docs.docker.com/build/building/best-practices/';

/** Dockerfile checks, applied to the final stage (and the stages it builds on). */
export const DF = {
  rootUser: {
    id: 'CP-DF-001', severity: 'HIGH', title: 'Image runs as root',
    remediation: 'Add `USER 1000` (a non-root UID) after the last step that needs root.',
    references: { cis: 'CIS Docker 4.1', trivy: 'DS002', urls: [`${BEST}#user`] },
  },
  latestTag: {
    id: 'CP-DF-002', severity: 'MEDIUM', title: 'Base image uses the latest tag or no tag',
    remediation: 'Pin the base image to an explicit version tag, e.g. `python:3.12-slim`.',
    references: { trivy: 'DS001', urls: [`${HADOLINT}DL3007`] },
  },
  noDigest: {
    id: 'CP-DF-003', severity: 'LOW', title: 'Base image is not pinned by digest',
    remediation: 'Pin the base image by digest for production builds: `image:tag@sha256:…`.',
    references: { cis: 'CIS Docker 4.2', urls: [`${BEST}#pin-base-image-versions`] },
  },
  addInsteadOfCopy: {
    id: 'CP-DF-004', severity: 'LOW', title: 'ADD used where COPY serves',
    remediation: 'Use COPY for local files; ADD only to unpack a local archive.',
    references: { cis: 'CIS Docker 4.9', trivy: 'DS005', urls: [`${HADOLINT}DL3020`] },
  },
  addUrl: {
    id: 'CP-DF-005', severity: 'MEDIUM', title: 'ADD fetches a remote URL',
    remediation: 'Download with curl/wget in a RUN step and verify a checksum, or use `ADD --checksum=`.',
    references: { cis: 'CIS Docker 4.9', urls: [`${BEST}#add-or-copy`] },
  },
  pipeToShell: {
    id: 'CP-DF-006', severity: 'HIGH', title: 'Remote script piped into a shell',
    remediation: 'Download the script, verify its checksum or signature, then run it.',
    references: { urls: [`${HADOLINT}DL4006`] },
  },
  unpinnedPackages: {
    id: 'CP-DF-007', severity: 'MEDIUM', title: 'Packages installed without version pinning',
    remediation: 'Pin versions: `apt-get install pkg=1.2-3`, `apk add pkg=1.2-r0`, `pip install pkg==1.2` or a requirements file.',
    references: { urls: [`${HADOLINT}DL3008`, `${HADOLINT}DL3018`, `${HADOLINT}DL3013`] },
  },
  packageCache: {
    id: 'CP-DF-008', severity: 'LOW', title: 'Package manager cache left in the image',
    remediation: 'Add `rm -rf /var/lib/apt/lists/*` in the same RUN, use `apk add --no-cache`, `pip install --no-cache-dir`.',
    references: { trivy: 'DS025', urls: [`${HADOLINT}DL3009`, `${HADOLINT}DL3019`, `${HADOLINT}DL3042`] },
  },
  noInstallRecommends: {
    id: 'CP-DF-009', severity: 'LOW', title: 'apt-get install without --no-install-recommends',
    remediation: 'Use `apt-get install -y --no-install-recommends` to keep the image small.',
    references: { trivy: 'DS029', urls: [`${HADOLINT}DL3015`] },
  },
  sudo: {
    id: 'CP-DF-010', severity: 'MEDIUM', title: 'RUN uses sudo',
    remediation: 'Run the step as root before switching USER, or use gosu; do not install sudo.',
    references: { trivy: 'DS010', urls: [`${HADOLINT}DL3004`] },
  },
  sshPort: {
    id: 'CP-DF-011', severity: 'MEDIUM', title: 'Port 22 (SSH) exposed',
    remediation: 'Do not run SSH in containers; use `docker exec` or `kubectl exec`.',
    references: { cis: 'CIS Docker 4.8', trivy: 'DS004', urls: [`${HADOLINT}DL3011`] },
  },
  secretInEnv: {
    id: 'CP-DF-012', severity: 'HIGH', title: 'Secret in ENV or ARG',
    remediation: 'Pass secrets at run time or with `RUN --mount=type=secret`; ENV and ARG values persist in image metadata.',
    references: { cis: 'CIS Docker 4.10', trivy: 'DS031', urls: ['https://docs.docker.com/build/building/secrets/'] },
  },
  noHealthcheck: {
    id: 'CP-DF-013', severity: 'LOW', title: 'No HEALTHCHECK',
    remediation: 'Add `HEALTHCHECK CMD …` probing the service, e.g. its /health endpoint.',
    references: { cis: 'CIS Docker 4.6', trivy: 'DS026', urls: [`${BEST}#healthcheck`] },
  },
} satisfies Record<string, CheckDef>;
