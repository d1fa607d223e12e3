import type { ImageConfig } from '../types.js';
import { makeFinding, resolveOptions } from './finding.js';
import type { CheckDef, Misconfiguration, MisconfigOptions } from './finding.js';
import { isLiteralSecret } from './secret-names.js';

const SPEC = 'https://github.com/opencontainers/image-spec/blob/main/config.md';

/** Checks on the config of a scanned image. */
export const IMG = {
  rootUser: { id: 'CP-IMG-001', severity: 'HIGH', title: 'Image runs as root', remediation: 'Build with `USER 1000`.', references: { cis: 'CIS Docker 4.1', trivy: 'DS002', urls: [SPEC] } },
  exposedPort: { id: 'CP-IMG-002', severity: 'MEDIUM', title: 'Image exposes a port that is not allowed', remediation: 'EXPOSE only the allowed ports.', references: { urls: [SPEC] } },
  noHealthcheck: { id: 'CP-IMG-003', severity: 'LOW', title: 'Image has no healthcheck', remediation: 'Add a HEALTHCHECK to the Dockerfile.', references: { cis: 'CIS Docker 4.6', trivy: 'DS026', urls: [SPEC] } },
  secretEnv: { id: 'CP-IMG-004', severity: 'HIGH', title: 'Secret in image environment', remediation: 'Inject secrets at run time; Env values ship with the image.', references: { cis: 'CIS Docker 4.10', trivy: 'DS031', urls: [SPEC] } },
} satisfies Record<string, CheckDef>;

/**
 * Checks an image's config. Findings have line 0 and name the image as their file.
 *
 * @example analyzeImageConfig(config, { source: 'registry:5000/app:1.0' })
 */
export function analyzeImageConfig(config: ImageConfig, options: MisconfigOptions & { source?: string } = {}): Misconfiguration[] {
  const opts = resolveOptions(options);
  const file = options.source ?? 'image-config';
  const resource = { kind: 'Image', name: file };
  const out: Misconfiguration[] = [];
  const add = (check: CheckDef, description: string) => out.push(makeFinding(check, { file, line: 0, resource, description }));
  const user = config.user.trim().split(':')[0];
  if (user === '' || user === 'root' || user === '0') add(IMG.rootUser, user === '' ? 'No user is set: the image runs as root.' : `User is ${user}.`);
  for (const p of config.exposedPorts) {
    const port = Number(p.split('/')[0]);
    if (!opts.allowedPorts.includes(port)) add(IMG.exposedPort, `Exposes ${p} (allowed: ${opts.allowedPorts.join(', ')}).`);
  }
  const hc = config.healthcheck?.test ?? [];
  if (hc.length === 0 || hc[0] === 'NONE') add(IMG.noHealthcheck, 'The image config has no healthcheck.');
  for (const e of config.env) {
    const eq = e.indexOf('=');
    const name = eq < 0 ? e : e.slice(0, eq);
    // Only the name is reported: the value is a secret.
    if (eq > 0 && isLiteralSecret(name, e.slice(eq + 1))) add(IMG.secretEnv, `Env ${name} holds a literal value.`);
  }
  return out;
}
