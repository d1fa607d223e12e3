import type { Severity } from '../types.js';

/** Where a check's result maps onto benchmarks and other scanners, so users can cross-reference. */
export interface CheckReferences {
  /** CIS Docker or Kubernetes benchmark item, e.g. "CIS Docker 4.1". */
  cis?: string;
  /** Kubernetes Pod Security Standards control, e.g. "restricted: Running as Non-root". */
  pss?: string;
  /** Equivalent Trivy check id, e.g. "DS002" or "KSV012". */
  trivy?: string;
  urls: string[];
}

/** The object a finding is about: a Kubernetes object, a Compose service, a Dockerfile stage or an image. */
export interface ResourceRef {
  kind: string;
  name: string;
  container?: string;
}

/** One configuration finding. Plain data: it is serialized as-is into the reports. */
export interface Misconfiguration {
  /** Our stable check id, e.g. "CP-DF-001". */
  id: string;
  severity: Severity;
  title: string;
  /** What was found in this file, specifically. */
  description: string;
  file: string;
  /** 1-based; 0 when the finding has no line (image config). */
  line: number;
  resource: ResourceRef;
  remediation: string;
  references: CheckReferences;
  /** Set when the file carries a suppression for this id; the finding is still reported. */
  suppressed?: { reason: string };
}

/** A check's fixed metadata; findings copy it so every report carries the full help text. */
export interface CheckDef {
  id: string;
  severity: Severity;
  title: string;
  remediation: string;
  references: CheckReferences;
}

/** Options shared by every analyzer. */
export interface MisconfigOptions {
  /** Ports a workload may expose or publish. Default [8000] (ALLOWED_INGRESS_PORTS). */
  allowedPorts?: number[];
  /** The UID containers must run as. Default 1000. */
  requiredUid?: number;
}

export interface ResolvedOptions {
  allowedPorts: number[];
  requiredUid: number;
}

export function resolveOptions(options: MisconfigOptions = {}): ResolvedOptions {
  return { allowedPorts: options.allowedPorts ?? [8000], requiredUid: options.requiredUid ?? 1000 };
}

export function makeFinding(
  check: CheckDef,
  at: { file: string; line: number; resource: ResourceRef; description: string },
): Misconfiguration {
  return {
    id: check.id,
    severity: check.severity,
    title: check.title,
    description: at.description,
    file: at.file,
    line: at.line,
    resource: at.resource,
    remediation: check.remediation,
    references: check.references,
  };
}

/** Stable order: file, line, id, then resource, so reports and golden files do not churn. */
export function compareFindings(a: Misconfiguration, b: Misconfiguration): number {
  return (
    cmp(a.file, b.file) ||
    a.line - b.line ||
    cmp(a.id, b.id) ||
    cmp(resourceKey(a.resource), resourceKey(b.resource)) ||
    cmp(a.description, b.description)
  );
}

function resourceKey(r: ResourceRef): string {
  return `${r.kind}/${r.name}/${r.container ?? ''}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
