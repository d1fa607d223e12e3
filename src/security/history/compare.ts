import type { Comparison, FindingRef, PreviousFinding, TrackedFinding } from './types.js';

const ref = (f: TrackedFinding): FindingRef => ({ key: f.key, kind: f.kind, id: f.id, package: f.package, severity: f.severity });

export interface ScanComparison {
  comparison: Comparison;
  /** First-seen time of every current finding: carried over when still open, `now` when new. */
  firstSeen: Map<string, string>;
}

/**
 * Sets this scan's findings against the previous scan of the same target: new, fixed (gone
 * from the re-scan) and still open. First-seen dates carry over only from that previous scan, so
 * a finding that was fixed and comes back is new again.
 */
export function compareScans(
  current: readonly TrackedFinding[],
  previous: { scanId: string; scannedAt: string; findings: readonly PreviousFinding[] } | null,
  now: Date,
): ScanComparison {
  const before = new Map((previous?.findings ?? []).map((f) => [f.key, f]));
  const currentKeys = new Set(current.map((f) => f.key));
  const firstSeen = new Map<string, string>();
  const comparison: Comparison = {
    previous: previous ? { scanId: previous.scanId, scannedAt: previous.scannedAt } : null,
    new: [],
    fixed: [],
    stillOpen: [],
  };
  for (const f of current) {
    const old = before.get(f.key);
    firstSeen.set(f.key, old?.firstSeen ?? now.toISOString());
    (old ? comparison.stillOpen : comparison.new).push(ref(f));
  }
  for (const f of before.values()) if (!currentKeys.has(f.key)) comparison.fixed.push(ref(f));
  return { comparison, firstSeen };
}
