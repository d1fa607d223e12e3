/** The signature stage: cosign-compatible image signatures, Sigstore bundles, keys, the scanner. */
export { SignatureError, isSignatureError, type SignatureErrorCode, type SignatureFailureCode, type SignatureInputCode } from './errors.js';
export type { Check, CheckName, IdentityPolicy, SignatureFinding, SignatureRequirement, SignatureScanOptions, SignerInfo, TrustedKey, VerificationResult } from './types.js';
export { buildPayload, parsePayload, COSIGN_SIGNATURE_TYPE, SIMPLE_SIGNING_MEDIA_TYPE, type SimpleSigningPayload } from './payload.js';
export { COSIGN_KEY_LABEL, SIGSTORE_KEY_LABEL, DEFAULT_SCRYPT, decryptPrivateKey, encryptPrivateKey, type ScryptParams } from './encrypted-key.js';
export { generateKeyPair, keyId, loadPrivateKey, needsPassword, parsePublicKey, type GeneratedKeyPair } from './keys.js';
export { cosignRepository, openSignatureStore, signatureTag, type SignatureStore, type StoreOptions } from './store.js';
export { ANNOTATION, fetchImageSignatures, type ImageSignatures, type SignatureLayer } from './fetch.js';
export { buildEntityPolicy, type VerifyPolicyInput } from './policy.js';
export { verifyEntity, type EntityPolicy, type TlogPolicy } from './entity.js';
export { verifyImageSignatures, type ImageCheckOptions } from './verify-image.js';
export { parseBundle, verifyBundle } from './bundle.js';
export { parseTrustedRoot } from './trusted-root.js';
export { signImage, type SignOptions, type SignResult } from './sign-image.js';
export { SIGNATURE_RULES, compareSignatureFindings, signatureGateReasons } from './findings.js';
export { imagePatternMatches, registryTrusted, scanSignatures } from './scanner.js';
export { writeKeyPair } from './key-files.js';
