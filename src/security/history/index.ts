/** Vulnerability management: findings followed across scans, deadlines, accepted risks, the gate they change. */
export { acceptanceFor, covers, isActive } from './accept.js';
export { assessScan, compareOpenFindings, openFinding, type AssessInput, type Assessment } from './assess.js';
export { compareScans, type ScanComparison } from './compare.js';
export { dueDate, isOverdue } from './due.js';
export { applyHistoryToGate, overdueReason } from './gate.js';
export { recordScan, type RecordScanInput, type RecordedScan } from './record.js';
export { renderHistorySection, renderHistoryTable, standing, type HistoryView } from './render.js';
export { trackingKey } from './target-key.js';
export { trackedItems, trackMisconfiguration, trackSecret, trackSignature, trackVulnerability, uniqueFindings } from './track.js';
export * from './types.js';
