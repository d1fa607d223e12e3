import type { ScanResult } from '../scan.js';
import { SEVERITIES, type Severity } from '../types.js';

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

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function remediationFor(code: string): string {
  if (code === 'UNTRUSTED_REGISTRY') return 'Pull or mirror the image from a registry on the trusted list of the security policy.';
  if (code === 'SIGNATURE_MISSING') return 'Sign the image (`churn sign TARGET --key KEY`, or cosign) with a key the policy trusts, then push the signature beside it.';
  return 'Re-sign the image digest that is deployed with a key or identity the policy trusts, and check it with `churn verify TARGET --key PUBKEY`.';
}

/**
 * The signature scanner's findings, read structurally from the result's `signatures` list so the
 * writers keep working whatever else that scanner adds: an entry needs an id and a severity.
 */
export function signatureFindings(result: ScanResult): SignatureFindingView[] {
  const list: unknown = (result as { signatures?: unknown }).signatures;
  if (!Array.isArray(list)) return [];
  const out: SignatureFindingView[] = [];
  for (const item of list as unknown[]) {
    if (item === null || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    const id = str(o.id);
    const severity = typeof o.severity === 'string' ? o.severity.toUpperCase() : '';
    if (!id || !(SEVERITIES as readonly string[]).includes(severity)) continue;
    const code = str(o.code) ?? id;
    const title = str(o.title) ?? id;
    out.push({
      id,
      severity: severity as Severity,
      code,
      title,
      message: str(o.message) ?? title,
      remediation: str(o.remediation) ?? remediationFor(code),
      subject: str(o.target),
      passed: o.passed === true,
    });
  }
  return out;
}
