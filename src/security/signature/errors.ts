import { ChurnError } from '../../errors.js';

/**
 * Why a signature was not accepted. Verification failures are findings (CLI exit 1); the
 * `input` codes are bad flags and files (exit 2). Stable: scripts and tests match on them.
 */
export type SignatureFailureCode =
  /** No signature at all for the image digest (or no bundle entry). */
  | 'SIGNATURE_MISSING'
  /** A signature that does not verify: altered payload or signature bytes. */
  | 'SIGNATURE_INVALID'
  /** Signed by a key (or certificate) that is not one of the trusted ones. */
  | 'UNTRUSTED_KEY'
  /** The payload is not a cosign simple-signing document. */
  | 'PAYLOAD_INVALID'
  /** The payload names another image digest than the one verified. */
  | 'DIGEST_MISMATCH'
  /** The payload names another repository (a signature copied from elsewhere). */
  | 'REPOSITORY_MISMATCH'
  /** A required annotation is absent or has another value. */
  | 'ANNOTATION_MISMATCH'
  /** The certificate's subject or OIDC issuer is not the one the policy asks for. */
  | 'IDENTITY_MISMATCH'
  /** The certificate does not chain to the trusted root. */
  | 'CERTIFICATE_UNTRUSTED'
  /** The certificate was not valid at the signing time (or now, when there is none). */
  | 'CERTIFICATE_EXPIRED'
  /** A keyless certificate without a verifiable certificate-transparency timestamp. */
  | 'SCT_INVALID'
  /** No transparency-log entry (or verified timestamp) where the policy requires one. */
  | 'TLOG_MISSING'
  /** A transparency-log entry whose inclusion proof, checkpoint, promise or body does not verify. */
  | 'TLOG_INVALID'
  /** A signed timestamp that does not verify. */
  | 'TIMESTAMP_INVALID'
  /** The artifact is not what the bundle's envelope is about. */
  | 'ARTIFACT_MISMATCH'
  /** The image comes from a registry outside the trusted list. */
  | 'UNTRUSTED_REGISTRY';

export type SignatureInputCode =
  | 'BAD_KEY'
  | 'BAD_PASSWORD'
  | 'BAD_BUNDLE'
  | 'BAD_TRUSTED_ROOT'
  | 'BAD_POLICY'
  | 'KEY_EXISTS'
  | 'NO_PASSWORD'
  | 'UNSUPPORTED_TARGET';

export type SignatureErrorCode = SignatureFailureCode | SignatureInputCode;

const INPUT: ReadonlySet<string> = new Set<SignatureInputCode>(['BAD_KEY', 'BAD_PASSWORD', 'BAD_BUNDLE', 'BAD_TRUSTED_ROOT', 'BAD_POLICY', 'KEY_EXISTS', 'NO_PASSWORD', 'UNSUPPORTED_TARGET']);

/**
 * A signature that was not accepted (kind `finding`), or a key, bundle, root or flag that cannot
 * be used (kind `input`).
 *
 * @example
 * throw new SignatureError('DIGEST_MISMATCH', 'signature is for sha256:aa…, image is sha256:bb…');
 */
export class SignatureError extends ChurnError {
  declare readonly code: SignatureErrorCode;

  constructor(code: SignatureErrorCode, message: string, details?: Record<string, unknown>, cause?: unknown) {
    super(code, message, { kind: INPUT.has(code) ? 'input' : 'finding', details, cause });
  }
}

export function isSignatureError(e: unknown, code?: SignatureErrorCode): e is SignatureError {
  return e instanceof SignatureError && (code === undefined || e.code === code);
}
