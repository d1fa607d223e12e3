import { SignatureError } from './errors.js';
import type { EntityPolicy, TlogPolicy, VerifyKey } from './entity.js';
import { checkIdentityPolicy } from './identity.js';
import { keyId, parsePublicKey } from './keys.js';
import { emptyTrustedRoot, parseTrustedRoot } from './trusted-root.js';
import type { IdentityPolicy, TrustedKey } from './types.js';

/** What a verification is checked against, as plain data (key PEMs, root JSON), read beforehand. */
export interface VerifyPolicyInput {
  keys?: TrustedKey[];
  identities?: IdentityPolicy[];
  /** The parsed trusted root JSON, and its file name for messages. */
  trustedRoot?: { json: unknown; source: string } | null;
  tlog?: TlogPolicy;
  /** Default true: keyless certificates must carry a verifiable SCT. */
  sct?: boolean;
  now: Date;
}

/** Validates and converts the input once; every signature is then checked against the result. */
export function buildEntityPolicy(input: VerifyPolicyInput): EntityPolicy {
  const keys: VerifyKey[] = (input.keys ?? []).map((k) => {
    const key = parsePublicKey(k.pem, k.source);
    return { key, id: keyId(key), source: k.source };
  });
  const identities = input.identities ?? [];
  identities.forEach((p, i) => checkIdentityPolicy(p, identities.length > 1 ? `identity ${i + 1}` : 'identity'));
  if (keys.length === 0 && identities.length === 0) {
    throw new SignatureError('BAD_POLICY', 'nothing to verify against: give --key, or --certificate-identity with --certificate-oidc-issuer and --trusted-root');
  }
  const rootGiven = input.trustedRoot !== undefined && input.trustedRoot !== null;
  if (identities.length > 0 && !rootGiven) throw new SignatureError('BAD_POLICY', 'keyless verification needs --trusted-root (this machine cannot fetch the public-good root)');
  const root = input.trustedRoot ? parseTrustedRoot(input.trustedRoot.json, input.trustedRoot.source) : emptyTrustedRoot();
  return { root, rootGiven, keys, identities, tlog: input.tlog, sct: input.sct ?? true, now: input.now };
}
