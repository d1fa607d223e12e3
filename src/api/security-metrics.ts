import { openFinding, type DueDays } from '../security/history/index.js';
import { SEVERITIES } from '../security/types.js';
import { acceptedRisks, securityScans, type Store } from '../store/index.js';
import type { SecuritySnapshot } from './metrics.js';

/** Targets exported at most: each is a label value, and label sets must stay bounded. */
const MAX_TARGETS = 100;

/** The latest scan of each target, with overdue findings counted as of `now`: what /metrics shows. */
export async function securitySnapshot(store: Store, dueDays: DueDays, now: Date): Promise<SecuritySnapshot> {
  const latest = (await securityScans.latestPerTarget(store, MAX_TARGETS)).filter((s) => s.scannedAt !== null);
  const [findings, risks] = await Promise.all([securityScans.findingsOfScans(store, latest.map((s) => s.id)), acceptedRisks.list(store, { activeAt: now })]);
  return {
    targets: latest.map((scan) => {
      const open = findings.get(scan.id) ?? [];
      const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
      for (const f of open) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
      return {
        target: scan.target,
        scannedAt: new Date(scan.scannedAt as string),
        gatePassed: scan.gate?.passed ?? false,
        counts,
        overdue: open.filter((f) => openFinding(f, f.firstSeen, false, scan.target, risks, dueDays, now).overdue).length,
      };
    }),
  };
}
