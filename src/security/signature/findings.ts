import { SEVERITY_RANK, type Severity } from '../types.js';
import type { SignatureFailureCode } from './errors.js';
import type { SignatureFinding } from './types.js';

interface Rule {
  id: string;
  severity: Severity;
  title: string;
}

/** Every finding the signature scanner can report, by code. Ids are stable; severities are the gate's input. */
export const SIGNATURE_RULES: Record<SignatureFinding['code'], Rule> = {
  SIGNATURE_MISSING: { id: 'CP-SIG-001', severity: 'HIGH', title: 'Required image signature is missing' },
  SIGNATURE_INVALID: { id: 'CP-SIG-002', severity: 'CRITICAL', title: 'Image signature does not verify' },
  UNTRUSTED_KEY: { id: 'CP-SIG-003', severity: 'CRITICAL', title: 'Image signed by a key that is not trusted' },
  DIGEST_MISMATCH: { id: 'CP-SIG-004', severity: 'CRITICAL', title: 'Signature was made for another image digest' },
  REPOSITORY_MISMATCH: { id: 'CP-SIG-005', severity: 'CRITICAL', title: 'Signature was made for another repository' },
  ANNOTATION_MISMATCH: { id: 'CP-SIG-006', severity: 'HIGH', title: 'Signed annotations do not meet the policy' },
  IDENTITY_MISMATCH: { id: 'CP-SIG-007', severity: 'CRITICAL', title: 'Signer identity is not the required one' },
  PAYLOAD_INVALID: { id: 'CP-SIG-008', severity: 'CRITICAL', title: 'Signature payload is not a cosign image signature' },
  CERTIFICATE_UNTRUSTED: { id: 'CP-SIG-008', severity: 'CRITICAL', title: 'Signing certificate does not chain to the trusted root' },
  CERTIFICATE_EXPIRED: { id: 'CP-SIG-008', severity: 'CRITICAL', title: 'Signing certificate was not valid at signing time' },
  SCT_INVALID: { id: 'CP-SIG-008', severity: 'CRITICAL', title: 'Signing certificate has no valid certificate-transparency timestamp' },
  TLOG_MISSING: { id: 'CP-SIG-008', severity: 'CRITICAL', title: 'Signature has no transparency-log entry' },
  TLOG_INVALID: { id: 'CP-SIG-008', severity: 'CRITICAL', title: 'Transparency-log entry does not verify' },
  TIMESTAMP_INVALID: { id: 'CP-SIG-008', severity: 'CRITICAL', title: 'Signed timestamp does not verify' },
  ARTIFACT_MISMATCH: { id: 'CP-SIG-008', severity: 'CRITICAL', title: 'Signature is about another artifact' },
  UNTRUSTED_REGISTRY: { id: 'CP-SIG-009', severity: 'HIGH', title: 'Image comes from a registry outside the trusted list' },
  SIGNED: { id: 'CP-SIG-010', severity: 'UNKNOWN', title: 'Image is signed' },
  UNSIGNED: { id: 'CP-SIG-010', severity: 'UNKNOWN', title: 'Image is not signed (no signature required)' },
};

export function signatureFinding(code: SignatureFailureCode | 'SIGNED' | 'UNSIGNED', fields: Omit<SignatureFinding, 'id' | 'severity' | 'code' | 'title' | 'passed'>): SignatureFinding {
  const rule = SIGNATURE_RULES[code];
  return { id: rule.id, severity: rule.severity, code, title: rule.title, ...fields, passed: code === 'SIGNED' || code === 'UNSIGNED' };
}

export function compareSignatureFindings(a: SignatureFinding, b: SignatureFinding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.id.localeCompare(b.id) || a.message.localeCompare(b.message);
}

/** One gate reason per finding that is not informational: these fail the gate whatever the counts allow. */
export function signatureGateReasons(findings: readonly SignatureFinding[]): string[] {
  return findings.filter((f) => !f.passed).map((f) => `signature: ${f.code} (${f.id}) ${f.message}`);
}
