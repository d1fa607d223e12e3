import { appendAudit } from '../../audit/index.js';
import { acceptedRisks, securityScans, type Store } from '../../store/index.js';
import type { Thresholds } from '../policy/thresholds.js';
import { buildTrivyReport, type TrivyReport } from '../report/trivy-json.js';
import type { ScanResult } from '../scan.js';
import { assessScan, type Assessment } from './assess.js';
import { trackingKey } from './target-key.js';
import { trackedItems } from './track.js';
import type { DueDays } from './types.js';

export interface RecordScanInput {
  result: ScanResult;
  /** The target as the user wrote it. */
  targetInput: string;
  scanners: readonly string[];
  thresholds: Thresholds;
  dueDays: DueDays;
  /** The scan's time: first-seen dates of new findings and the point the history is read at. */
  now: Date;
  source: 'cli' | 'api';
  /** Who asked: `cli` or `key:<id>`; written to the audit log. */
  actor: string;
  /** An API job's row to complete instead of inserting a new scan. */
  jobId?: string;
}

export interface RecordedScan {
  scanId: string;
  /** The tracking key the scan is filed under. */
  target: string;
  assessment: Assessment;
  /** The whole report (no --severity filter) in the Trivy layout, as stored. */
  report: TrivyReport;
}

/**
 * Files a finished scan in the store: compares it with the previous scan of the same target,
 * dates its findings, applies accepted risks and deadlines to the gate, stores it, and audits
 * `scan.completed` (and `policy.violation` when the gate fails). The caller renders with
 * `assessment.gate` in place of the scan's own gate.
 */
export async function recordScan(store: Store, input: RecordScanInput): Promise<RecordedScan> {
  const { result, now } = input;
  const target = trackingKey(input.targetInput);
  const prev = await securityScans.previous(store, target, now, input.jobId);
  const previous = prev?.scannedAt ? { scanId: prev.id, scannedAt: prev.scannedAt, findings: await securityScans.findings(store, prev.id) } : null;
  const risks = await acceptedRisks.list(store, { activeAt: now });
  const assessment = assessScan({ target, items: trackedItems(result), gate: result.gate, thresholds: input.thresholds, previous, risks, dueDays: input.dueDays, now });
  const report = buildTrivyReport(result.target, result.inventory, result.findings, now, result.misconfigurations, result.secrets, result.signatures);
  const scanId = await securityScans.saveCompleted(
    store,
    {
      target,
      targetInput: input.targetInput,
      digest: result.target.digest ?? result.target.imageId,
      scanners: input.scanners,
      source: input.source,
      requestedBy: input.actor,
      scannedAt: now,
      gate: assessment.gate,
      comparison: assessment.comparison,
      report,
      findings: assessment.findings,
    },
    input.jobId,
  );
  const { comparison, gate, findings } = assessment;
  await appendAudit(store, {
    event: 'scan.completed',
    actor: input.actor,
    detail: {
      scanId,
      target,
      digest: result.target.digest ?? result.target.imageId,
      source: input.source,
      gatePassed: gate.passed,
      counts: gate.counts,
      new: comparison.new.length,
      fixed: comparison.fixed.length,
      stillOpen: comparison.stillOpen.length,
      overdue: findings.filter((f) => f.overdue).length,
      accepted: findings.filter((f) => f.accepted !== null).length,
    },
  });
  if (!gate.passed) await appendAudit(store, { event: 'policy.violation', actor: input.actor, detail: { scanId, target, policy: 'security-gate', reasons: gate.reasons.slice(0, 20) } });
  return { scanId, target, assessment, report };
}
