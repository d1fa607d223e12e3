import { countBySeverity, judgeCounts, type GateResult, type Thresholds } from '../policy/thresholds.js';
import { SEVERITIES, type Severity } from '../types.js';
import type { OpenFinding } from './types.js';

const MAX_NAMED = 5;

/** "2 findings past their due date: CVE-1 (HIGH, due 2026-01-08), …" */
export function overdueReason(overdue: readonly OpenFinding[]): string {
  const named = overdue.slice(0, MAX_NAMED).map((f) => `${f.id}${f.package ? ` in ${f.package}` : ''} (${f.severity}, due ${(f.dueAt ?? '').slice(0, 10)})`);
  const more = overdue.length > MAX_NAMED ? `, and ${overdue.length - MAX_NAMED} more` : '';
  return `${overdue.length} finding${overdue.length === 1 ? '' : 's'} past ${overdue.length === 1 ? 'its' : 'their'} due date: ${named.join(', ')}${more}`;
}

/**
 * The scan's gate with vulnerability management applied: accepted items no longer count against
 * the thresholds, and overdue findings fail it (unless FAIL_ON_VULNERABILITIES is off, which
 * turns every gate reason into a report only). The thresholds are re-applied to the original
 * counts minus the accepted items, so whatever else the scan counted keeps counting, and reasons
 * the thresholds did not produce (other checks') are kept as they were. `counts` stays the
 * scan's own (accepted findings included) so the report's totals add up; the reasons say what failed.
 */
export function applyHistoryToGate(original: GateResult, thresholds: Thresholds, acceptedItems: readonly { severity: Severity }[], overdue: readonly OpenFinding[]): GateResult {
  const thresholdReasons = new Set(judgeCounts(original.counts, thresholds).reasons);
  const otherReasons = original.reasons.filter((r) => !thresholdReasons.has(r));
  const accepted = countBySeverity(acceptedItems);
  const remaining = Object.fromEntries(SEVERITIES.map((s) => [s, Math.max(0, original.counts[s] - accepted[s])])) as Record<Severity, number>;
  const counted = judgeCounts(remaining, thresholds);
  const reasons = [...(overdue.length > 0 ? [overdueReason(overdue)] : []), ...counted.reasons, ...otherReasons];
  const passed = counted.passed && (overdue.length === 0 || !thresholds.failOnVulnerabilities) && (otherReasons.length === 0 || original.passed);
  return { passed, counts: original.counts, reasons };
}
