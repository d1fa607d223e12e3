import { createPublicKey } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { imageMatches, isProjectImage } from '../images.js';
import type { CheckContext, PolicyReason } from '../types.js';
import type { CheckType } from './check-type.js';
import { imageUses } from './images-used.js';

/**
 * Signature requirements are configured and usable: every key is a PEM public key, every
 * trusted root is JSON, and each project image the deploy files run is covered by a requirement.
 */
export const signaturesCheck: CheckType = {
  type: 'signatures-configured',
  summary: 'signature requirements with readable keys or trusted roots that cover the deployed project image',
  params: [],
  // It reads the policy file; the deploy files only tell which images must be covered.
  sources: [],
  bind: () => ({ run: signatures }),
};

function signatures(ctx: CheckContext): PolicyReason[] {
  const { policy, tree } = ctx;
  const file = policy.displayPath;
  const reqs = policy.signatures.requirements;
  if (reqs.length === 0) return [{ file, line: policy.signatures.line, message: 'no signature requirements are configured (signatures.requirements is empty)' }];
  const out: PolicyReason[] = [];
  const base = dirname(policy.path);
  for (const req of reqs) {
    for (const k of req.keys) {
      const text = tree.material[resolve(base, k.path)];
      if (text === undefined || text === null) out.push({ file, line: k.line, message: `key file ${k.path} not found` });
      else if (!isPublicKey(text)) out.push({ file, line: k.line, message: `key file ${k.path} is not a PEM public key` });
    }
    if (req.trustedRoot) {
      const text = tree.material[resolve(base, req.trustedRoot.path)];
      if (text === undefined || text === null) out.push({ file, line: req.trustedRoot.line, message: `trusted root ${req.trustedRoot.path} not found` });
      else if (!isJson(text)) out.push({ file, line: req.trustedRoot.line, message: `trusted root ${req.trustedRoot.path} is not JSON` });
    }
  }
  for (const u of imageUses(ctx)) {
    if (!u.resolved || !isProjectImage(u.image, policy.projectImage)) continue;
    if (!reqs.some((r) => r.images.some((p) => imageMatches(u.image, p)))) out.push({ file: u.file, line: u.line, message: `${u.where}: image ${u.image} is not covered by any signature requirement` });
  }
  return out;
}

function isPublicKey(pem: string): boolean {
  if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) return false;
  try {
    createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
