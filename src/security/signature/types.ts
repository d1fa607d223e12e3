import type { Severity } from '../types.js';
import type { SignatureFailureCode } from './errors.js';

/**
 * The plain values the signature stage passes around: what was checked, how it went, and the
 * findings the scanner hands to the gate and the report writers.
 */

/** One step of a verification. `skip` means not applicable or not reached. */
export interface Check {
  name: CheckName;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
}

export type CheckName =
  | 'signature-present'
  | 'signature'
  | 'payload'
  | 'digest'
  | 'repository'
  | 'annotations'
  | 'timestamps'
  | 'certificate'
  | 'sct'
  | 'tlog'
  | 'identity'
  | 'artifact'
  | 'registry';

/** Who signed, as far as verification established it. */
export interface SignerInfo {
  /** `sha256:<hex>` of the public key's SubjectPublicKeyInfo, for key-based signatures. */
  keyId?: string;
  /** The key file the signature verified with. */
  keyPath?: string;
  /** Certificate subject alternative name (e-mail, URI), for keyless signatures. */
  subject?: string;
  /** The OIDC issuer recorded in a keyless certificate. */
  issuer?: string;
}

export interface VerificationResult {
  verified: boolean;
  /** The image reference or file that was verified, as the user named it. */
  subject: string;
  /** The image manifest digest, or the file's sha256, when known. */
  digest: string | null;
  /** The reason of the failure that decided the result; null when verified. */
  code: SignatureFailureCode | null;
  reason: string | null;
  /** Checks of the signature that got furthest (the accepted one when verified). */
  checks: Check[];
  signer: SignerInfo | null;
  /** How many signatures were examined. */
  signatures: number;
}

/** A keyless identity: exact subject or a regular expression, and the OIDC issuer. */
export interface IdentityPolicy {
  subject?: string;
  subjectRegExp?: string;
  issuer?: string;
}

/** A public key to verify with: its PEM text and where it came from. */
export interface TrustedKey {
  pem: string;
  /** File name, shown in results. */
  source: string;
}

export interface SignatureRequirement {
  /** Image name patterns this applies to, e.g. "registry.example.com/team/*", "127.0.0.1:5000/*", "*". */
  images: string[];
  /** PEM public key file paths; any one of them may have signed. */
  keys?: string[];
  /** Keyless identities (need trustedRoot). */
  identities?: { subject?: string; subjectRegExp?: string; issuer: string }[];
  trustedRoot?: string;
  annotations?: Record<string, string>;
}

export interface SignatureScanOptions {
  /** Explicit --key flags: the image must be signed by one of these. */
  keys?: string[];
  annotations?: Record<string, string>;
  requirements?: SignatureRequirement[];
  /** Registry hosts (Docker naming: "docker.io", "127.0.0.1:5000", "ghcr.io/org") images may come from; null = no restriction. */
  trustedRegistries?: string[] | null;
  trustedRoot?: string;
  identity?: { subject?: string; subjectRegExp?: string; issuer?: string };
}

/** What the signature scanner reports about one target. */
export interface SignatureFinding {
  /** CP-SIG-001 … (see findings.ts). */
  id: string;
  severity: Severity;
  /** The failure code, or SIGNED / UNSIGNED for the informational status. */
  code: SignatureFailureCode | 'SIGNED' | 'UNSIGNED';
  title: string;
  message: string;
  target: string;
  digest: string | null;
  /** The image patterns of the requirement that applied, when one did. */
  requirement: string[] | null;
  checks: Check[];
  /** True for the informational status (SIGNED / UNSIGNED): nothing required failed. */
  passed: boolean;
}
