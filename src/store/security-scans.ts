import type { GateResult } from '../security/policy/thresholds.js';
import type { Comparison, FindingKind, PreviousFinding } from '../security/history/types.js';
import type { Severity } from '../security/types.js';
import { StoreError } from './errors.js';
import { randomBase62 } from './keys.js';
import type { SecurityFindingRow, SecurityScanRow, SecurityScanStatus } from './schema.js';
import type { Store } from './store.js';

/** A stored scan; the JSON columns parsed. The report is only read by `get`. */
export interface SecurityScanRecord {
  id: string;
  target: string;
  targetInput: string;
  digest: string | null;
  status: SecurityScanStatus;
  source: string;
  requestedBy: string;
  scanners: string[];
  createdAt: string;
  startedAt: string | null;
  scannedAt: string | null;
  gate: GateResult | null;
  comparison: Comparison | null;
  error: string | null;
}

export interface SecurityScanWithReport extends SecurityScanRecord {
  /** The Trivy-layout report, as stored. */
  report: unknown;
}

/** A finished scan to store: its findings carry their first-seen dates. */
export interface CompletedScan {
  target: string;
  targetInput: string;
  digest: string | null;
  scanners: readonly string[];
  source: string;
  requestedBy: string;
  scannedAt: Date;
  gate: GateResult;
  comparison: Comparison;
  report: unknown;
  findings: readonly PreviousFinding[];
}

export interface NewScanJob {
  target: string;
  targetInput: string;
  scanners: readonly string[];
  source: string;
  requestedBy: string;
}

const INSERT_BATCH = 400;

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

const SUMMARY_COLUMNS = ['id', 'target', 'target_input', 'digest', 'status', 'source', 'requested_by', 'scanners', 'created_at', 'started_at', 'scanned_at', 'gate_passed', 'counts', 'gate', 'comparison', 'error'] as const;

function toRecord(row: Omit<SecurityScanRow, 'report'>): SecurityScanRecord {
  return {
    id: row.id,
    target: row.target,
    targetInput: row.target_input,
    digest: row.digest,
    status: row.status,
    source: row.source,
    requestedBy: row.requested_by,
    scanners: row.scanners === '' ? [] : row.scanners.split(','),
    createdAt: row.created_at,
    startedAt: row.started_at,
    scannedAt: row.scanned_at,
    gate: parseJson<GateResult>(row.gate),
    comparison: parseJson<Comparison>(row.comparison),
    error: row.error,
  };
}

const newId = (): string => `scan_${randomBase62(16)}`;

/** Records an API job as queued; its id is what the client polls. */
async function createJob(store: Store, job: NewScanJob, now = new Date()): Promise<string> {
  const id = newId();
  await store.db
    .insertInto('security_scans')
    .values({ id, target: job.target, target_input: job.targetInput, digest: null, status: 'queued', source: job.source, requested_by: job.requestedBy, scanners: job.scanners.join(','), created_at: now.toISOString(), started_at: null, scanned_at: null, gate_passed: null, counts: null, gate: null, comparison: null, report: null, error: null })
    .execute();
  return id;
}

/** Moves a queued job to running; false when it is no longer queued (failed at shutdown). */
async function markRunning(store: Store, id: string, now = new Date()): Promise<boolean> {
  const r = await store.db.updateTable('security_scans').set({ status: 'running', started_at: now.toISOString() }).where('id', '=', id).where('status', '=', 'queued').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Marks a queued or running job failed; a job already done or failed keeps its outcome. */
async function fail(store: Store, id: string, error: string, now = new Date()): Promise<boolean> {
  const r = await store.db
    .updateTable('security_scans')
    .set({ status: 'failed', error: error.slice(0, 2000), scanned_at: null, started_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Stores a finished scan and its findings in one transaction. With `jobId`, completes that
 * queued or running API job (NOT_FOUND when it is gone or was failed meanwhile); otherwise
 * inserts a new scan. Returns the scan id.
 */
async function saveCompleted(store: Store, scan: CompletedScan, jobId?: string): Promise<string> {
  const id = jobId ?? newId();
  const values = {
    target: scan.target,
    target_input: scan.targetInput,
    digest: scan.digest,
    status: 'done' as const,
    source: scan.source,
    requested_by: scan.requestedBy,
    scanners: scan.scanners.join(','),
    scanned_at: scan.scannedAt.toISOString(),
    gate_passed: scan.gate.passed ? 1 : 0,
    counts: JSON.stringify(scan.gate.counts),
    gate: JSON.stringify(scan.gate),
    comparison: JSON.stringify(scan.comparison),
    report: JSON.stringify(scan.report),
    error: null,
  };
  await store.db.transaction().execute(async (trx) => {
    if (jobId === undefined) {
      await trx.insertInto('security_scans').values({ id, ...values, created_at: values.scanned_at, started_at: null }).execute();
    } else {
      const r = await trx.updateTable('security_scans').set(values).where('id', '=', id).where('status', 'in', ['queued', 'running']).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw new StoreError('NOT_FOUND', `No queued or running scan job ${id}`, { details: { id } });
    }
    const rows = scan.findings.map((f) => ({
      scan_id: id,
      finding_key: f.key,
      kind: f.kind,
      finding_id: f.id,
      aliases: JSON.stringify(f.aliases),
      package: f.package,
      version: f.version,
      severity: f.severity,
      title: f.title.slice(0, 500),
      first_seen: f.firstSeen,
    }));
    for (let i = 0; i < rows.length; i += INSERT_BATCH) await trx.insertInto('security_findings').values(rows.slice(i, i + INSERT_BATCH)).execute();
  });
  return id;
}

/** One scan with its report, or null. */
async function get(store: Store, id: string): Promise<SecurityScanWithReport | null> {
  const row = await store.db.selectFrom('security_scans').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { ...toRecord(row), report: parseJson<unknown>(row.report) } : null;
}

/** The latest finished scan of `target` taken at or before `at`, other than `excludeId`. */
async function previous(store: Store, target: string, at: Date, excludeId?: string): Promise<SecurityScanRecord | null> {
  let q = store.db.selectFrom('security_scans').select(SUMMARY_COLUMNS).where('target', '=', target).where('status', '=', 'done').where('scanned_at', '<=', at.toISOString());
  if (excludeId !== undefined) q = q.where('id', '!=', excludeId);
  const row = await q.orderBy('scanned_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Finished scans of `target`, newest first. */
async function list(store: Store, target: string, limit = 50): Promise<SecurityScanRecord[]> {
  const rows = await store.db.selectFrom('security_scans').select(SUMMARY_COLUMNS).where('target', '=', target).where('status', '=', 'done').orderBy('scanned_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRecord);
}

function toFinding(r: SecurityFindingRow): PreviousFinding {
  return {
    key: r.finding_key,
    kind: r.kind as FindingKind,
    id: r.finding_id,
    aliases: parseJson<string[]>(r.aliases) ?? [],
    package: r.package,
    version: r.version,
    severity: r.severity as Severity,
    title: r.title,
    firstSeen: r.first_seen,
  };
}

/** A scan's findings, by key. */
async function findings(store: Store, scanId: string): Promise<PreviousFinding[]> {
  const rows = await store.db.selectFrom('security_findings').selectAll().where('scan_id', '=', scanId).orderBy('finding_key').execute();
  return rows.map(toFinding);
}

/** The findings of several scans at once, by scan id (every id present, possibly with none). */
async function findingsOfScans(store: Store, scanIds: readonly string[]): Promise<Map<string, PreviousFinding[]>> {
  const out = new Map<string, PreviousFinding[]>(scanIds.map((id) => [id, []]));
  for (let i = 0; i < scanIds.length; i += INSERT_BATCH) {
    const rows = await store.db.selectFrom('security_findings').selectAll().where('scan_id', 'in', scanIds.slice(i, i + INSERT_BATCH)).orderBy('finding_key').execute();
    for (const r of rows) out.get(r.scan_id)?.push(toFinding(r));
  }
  return out;
}

/**
 * The newest finished scan of each target, most recently scanned targets first, at most `limit`
 * targets (what /metrics exports: bounded, so label sets stay bounded).
 */
async function latestPerTarget(store: Store, limit = 100): Promise<SecurityScanRecord[]> {
  const rows = await store.db
    .selectFrom('security_scans as s')
    .select(SUMMARY_COLUMNS.map((c) => `s.${c}` as const))
    .where('s.status', '=', 'done')
    .where((eb) => eb('s.scanned_at', '=', eb.selectFrom('security_scans as t').select((t) => t.fn.max('t.scanned_at').as('latest')).whereRef('t.target', '=', 's.target').where('t.status', '=', 'done')))
    .orderBy('s.scanned_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit * 2)
    .execute();
  const seen = new Set<string>();
  const out: SecurityScanRecord[] = [];
  for (const row of rows) {
    if (seen.has(row.target) || out.length >= limit) continue;
    seen.add(row.target);
    out.push(toRecord(row));
  }
  return out;
}

/** Stored security scans: CLI runs, API jobs and their findings. */
export const securityScans = { createJob, markRunning, fail, saveCompleted, get, previous, list, findings, findingsOfScans, latestPerTarget };
