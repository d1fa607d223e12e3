import type { Severity } from '../types.js';

/** What a tracked finding is about; stored with it so reports can group without re-scanning. */
export type FindingKind = 'vuln' | 'secret' | 'config' | 'signature';
export const FINDING_KINDS: readonly FindingKind[] = ['vuln', 'secret', 'config', 'signature'];

/**
 * One finding as vulnerability management follows it from scan to scan. `key` is its identity
 * within a target: stable across re-scans (no versions, lines or layers in it), so an upgrade
 * that still leaves a package vulnerable keeps the finding open instead of replacing it.
 */
export interface TrackedFinding {
  key: string;
  kind: FindingKind;
  /** Advisory id (CVE-…, DSA-…, GHSA-…), configuration check id or secret rule id. */
  id: string;
  /** Other ids the same finding is known by (CVE aliases, the equivalent Trivy check). */
  aliases: string[];
  /** Package name, or the file a configuration or secret finding is in. */
  package: string;
  /** Installed version (vulnerabilities only). */
  version: string | null;
  severity: Severity;
  title: string;
}

/** A finding of an earlier scan, as the store hands it back. */
export interface PreviousFinding extends TrackedFinding {
  firstSeen: string;
}

/** A risk someone accepted: matching findings are shown but do not fail the gate until `until`. */
export interface AcceptedRisk {
  id: string;
  /** The finding id or any of its aliases, compared case-insensitively. */
  findingId: string;
  /** Only findings of this package (or file); null: any. */
  package: string | null;
  /** Only findings of this target (a tracking key); null: any. */
  target: string | null;
  reason: string;
  owner: string;
  /** ISO time the acceptance stops counting. */
  until: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Days from first seen until a finding is overdue, per severity; null: never due. */
export type DueDays = Record<Severity, number | null>;

/** An open finding of the current scan with its place in the remediation process. */
export interface OpenFinding extends TrackedFinding {
  firstSeen: string;
  dueAt: string | null;
  /** Past its due date and not covered by an accepted risk. */
  overdue: boolean;
  /** True when the previous scan of the target did not have it. */
  isNew: boolean;
  accepted: { riskId: string; until: string; owner: string; reason: string } | null;
}

/** A finding named in a comparison. */
export interface FindingRef {
  key: string;
  kind: FindingKind;
  id: string;
  package: string;
  severity: Severity;
}

/** How a scan differs from the previous scan of the same target. */
export interface Comparison {
  previous: { scanId: string; scannedAt: string } | null;
  new: FindingRef[];
  /** In the previous scan, absent from this one: the re-scan verifies the fix. */
  fixed: FindingRef[];
  stillOpen: FindingRef[];
}
