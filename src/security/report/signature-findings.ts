import type { ScanResult } from '../scan.js';
import type { Severity } from '../types.js';

/** A signature scanner finding as the SARIF and markdown writers show it. */
export interface SignatureFindingView {
  id: string;
  severity: Severity;
  /** The failure code (SIGNATURE_MISSING, UNTRUSTED_REGISTRY, …) or SIGNED / UNSIGNED. */
  code: string;
  title: string;
  message: string;
  remediation: string;
  /** The image the check was about, when the finding names one. */
  subject: string | null;
  /** Informational status (signed, or unsigned where nothing is required): not a failure. */
  passed: boolean;
}

const nonBlank = (v: string): string | null => (v.trim() !== '' ? v : null);

function remediationFor(code: string): string {
  if (code === 'UNTRUSTED_REGISTRY') return 'Pull or mirror the image from a registry on the trusted list of the security policy.';
  if (code === 'SIGNATURE_MISSING') return 'Sign the image (`churn sign TARGET --key KEY`, or cosign) with a key the policy trusts, then push the signature beside it.';
  return 'Re-sign the image digest that is deployed with a key or identity the policy trusts, and check it with `churn verify TARGET --key PUBKEY`.';
}

/**
 * The signature scanner's findings as the writers show them: a blank message reads as the title,
 * and each failure code carries what to do about it.
 */
export function signatureFindings(result: ScanResult): SignatureFindingView[] {
  return result.signatures.map((f) => ({
    id: f.id,
    severity: f.severity,
    code: f.code,
    title: f.title,
    message: nonBlank(f.message) ?? f.title,
    remediation: remediationFor(f.code),
    subject: nonBlank(f.target),
    passed: f.passed,
  }));
}
