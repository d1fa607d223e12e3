import { dirname, resolve } from 'node:path';
import type { SignatureRequirement } from '../signature/index.js';
import type { PolicyFile } from './types.js';

export type { SignatureRequirement } from '../signature/index.js';

/**
 * The image policy the signature scanner enforces, from the policy file: its signature
 * requirements (key and trusted-root paths resolved against the policy file's folder) and the
 * trusted-registry allow-list (null when the file sets none).
 *
 * @example imagePolicyFrom(await loadPolicyFile('deploy/policies/security-policies.yaml'))
 */
export function imagePolicyFrom(policy: PolicyFile): { requirements: SignatureRequirement[]; trustedRegistries: string[] | null } {
  const base = dirname(policy.path);
  const requirements = policy.signatures.requirements.map((r): SignatureRequirement => ({
    images: [...r.images],
    ...(r.keys.length > 0 ? { keys: r.keys.map((k) => resolve(base, k.path)) } : {}),
    ...(r.identities.length > 0 ? { identities: r.identities.map((i) => ({ ...i })) } : {}),
    ...(r.trustedRoot ? { trustedRoot: resolve(base, r.trustedRoot.path) } : {}),
    ...(Object.keys(r.annotations).length > 0 ? { annotations: { ...r.annotations } } : {}),
  }));
  return { requirements, trustedRegistries: policy.trustedRegistries === null ? null : [...policy.trustedRegistries] };
}

/** Every file the requirements point at, absolute, so they can be read before evaluation. */
export function signatureMaterialPaths(policy: PolicyFile): string[] {
  const base = dirname(policy.path);
  return policy.signatures.requirements.flatMap((r) => [...r.keys.map((k) => resolve(base, k.path)), ...(r.trustedRoot ? [resolve(base, r.trustedRoot.path)] : [])]);
}
