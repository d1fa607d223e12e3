import type { AcceptedRisk, TrackedFinding } from './types.js';

/** In force at `now`: not revoked and not yet expired. */
export function isActive(risk: AcceptedRisk, now: Date): boolean {
  return risk.revokedAt === null && now.getTime() < Date.parse(risk.until);
}

/** True when `risk` is about this finding of this target (id or alias, then the optional scopes). */
export function covers(risk: AcceptedRisk, finding: TrackedFinding, target: string): boolean {
  const id = risk.findingId.toUpperCase();
  if (finding.id.toUpperCase() !== id && !finding.aliases.some((a) => a.toUpperCase() === id)) return false;
  if (risk.package !== null && risk.package !== finding.package) return false;
  return risk.target === null || risk.target === target;
}

/**
 * The acceptance that covers a finding at `now`, or null. When several do, the one lasting
 * longest is reported, since it decides when the finding counts again.
 */
export function acceptanceFor(finding: TrackedFinding, target: string, risks: readonly AcceptedRisk[], now: Date): AcceptedRisk | null {
  let best: AcceptedRisk | null = null;
  for (const r of risks) {
    if (!isActive(r, now) || !covers(r, finding, target)) continue;
    if (best === null || Date.parse(r.until) > Date.parse(best.until)) best = r;
  }
  return best;
}
