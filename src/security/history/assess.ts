import type { GateResult, Thresholds } from '../policy/thresholds.js';
import { SEVERITY_RANK } from '../types.js';
import { acceptanceFor } from './accept.js';
import { compareScans } from './compare.js';
import { dueDate, isOverdue } from './due.js';
import { applyHistoryToGate } from './gate.js';
import { uniqueFindings } from './track.js';
import type { AcceptedRisk, Comparison, DueDays, OpenFinding, PreviousFinding, TrackedFinding } from './types.js';

/** Overdue first, then most severe, earliest due, id and package. */
export function compareOpenFindings(a: OpenFinding, b: OpenFinding): number {
  const due = (f: OpenFinding) => (f.dueAt === null ? Number.POSITIVE_INFINITY : Date.parse(f.dueAt));
  return (
    Number(b.overdue) - Number(a.overdue) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    due(a) - due(b) ||
    a.id.localeCompare(b.id) ||
    a.package.localeCompare(b.package) ||
    a.key.localeCompare(b.key)
  );
}

/** A finding's standing at `now`: due date from first seen, accepted or not, overdue or not. */
export function openFinding(f: TrackedFinding, firstSeen: string, isNew: boolean, target: string, risks: readonly AcceptedRisk[], dueDays: DueDays, now: Date): OpenFinding {
  const due = dueDate(f.severity, firstSeen, dueDays);
  const risk = acceptanceFor(f, target, risks, now);
  return {
    ...f,
    firstSeen,
    dueAt: due?.toISOString() ?? null,
    overdue: risk === null && isOverdue(due, now),
    isNew,
    accepted: risk ? { riskId: risk.id, until: risk.until, owner: risk.owner, reason: risk.reason } : null,
  };
}

export interface AssessInput {
  /** The tracking key of the scanned target. */
  target: string;
  /** Every item the scan's gate counted (see trackedItems). */
  items: readonly TrackedFinding[];
  /** The gate as the scan decided it. */
  gate: GateResult;
  thresholds: Thresholds;
  previous: { scanId: string; scannedAt: string; findings: readonly PreviousFinding[] } | null;
  risks: readonly AcceptedRisk[];
  dueDays: DueDays;
  now: Date;
}

export interface Assessment {
  /** Open findings, one per key, overdue first. */
  findings: OpenFinding[];
  comparison: Comparison;
  /** The gate with accepted risks left out and overdue findings added. */
  gate: GateResult;
}

/**
 * Vulnerability management for one scan, as a pure function of the scan, the previous scan of
 * the target, the accepted risks and the clock: what is new, fixed and still open; when each
 * open finding is due; and the gate that results.
 */
export function assessScan(input: AssessInput): Assessment {
  const unique = uniqueFindings(input.items);
  const { comparison, firstSeen } = compareScans(unique, input.previous, input.now);
  const newKeys = new Set(comparison.new.map((f) => f.key));
  const findings = unique
    .map((f) => openFinding(f, firstSeen.get(f.key) ?? input.now.toISOString(), newKeys.has(f.key), input.target, input.risks, input.dueDays, input.now))
    .sort(compareOpenFindings);
  const acceptedKeys = new Set(findings.filter((f) => f.accepted !== null).map((f) => f.key));
  const acceptedItems = input.items.filter((f) => acceptedKeys.has(f.key));
  const gate = applyHistoryToGate(input.gate, input.thresholds, acceptedItems, findings.filter((f) => f.overdue));
  return { findings, comparison, gate };
}
