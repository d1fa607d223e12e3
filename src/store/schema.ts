import type { Insertable, Selectable } from 'kysely';

/**
 * Table shapes as Kysely sees them. Timestamps are ISO-8601 text on both engines so that
 * SQLite and PostgreSQL return identical values and compare the same way.
 */
export interface Database {
  api_keys: ApiKeysTable;
  rate_limit_rules: RateLimitRulesTable;
  audit_log: AuditLogTable;
  security_scans: SecurityScansTable;
  security_findings: SecurityFindingsTable;
  accepted_risks: AcceptedRisksTable;
}

export type ApiKeyRole = 'admin' | 'predict';

export interface ApiKeysTable {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** SHA-256 hex of the key; the key itself is never stored. */
  key_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface RateLimitRulesTable {
  key: string;
  requests: number;
  window_seconds: number;
  burst: number | null;
  description: string;
  updated_at: string;
}

export interface AuditLogTable {
  /** Assigned by the appender (previous + 1) because it is part of the hashed content. */
  seq: number;
  ts: string;
  event: string;
  actor: string;
  /** Canonical JSON text of the (redacted) detail object. */
  detail: string;
  prev_hash: string;
  hash: string;
}

export type SecurityScanStatus = 'queued' | 'running' | 'done' | 'failed';

/** One scan: a CLI run (stored when done) or an API job (stored when queued, then updated). */
export interface SecurityScansTable {
  id: string;
  /** The tracking key (see trackingKey): the history a scan belongs to. */
  target: string;
  /** The target as the user wrote it. */
  target_input: string;
  digest: string | null;
  status: SecurityScanStatus;
  /** `cli` or `api`. */
  source: string;
  /** `cli`, or `key:<id>` for an API job. */
  requested_by: string;
  /** Comma-separated scanner names. */
  scanners: string;
  created_at: string;
  started_at: string | null;
  /** When the scan's findings were taken: the time first-seen dates and the history go by. */
  scanned_at: string | null;
  /** 1 passed, 0 failed, null until done. */
  gate_passed: number | null;
  /** JSON: findings counted by the gate, by severity. */
  counts: string | null;
  /** JSON: { passed, counts, reasons }. */
  gate: string | null;
  /** JSON: new, fixed and still open against the previous scan of the target. */
  comparison: string | null;
  /** JSON: the report in the Trivy layout. */
  report: string | null;
  error: string | null;
}

export interface SecurityFindingsTable {
  scan_id: string;
  finding_key: string;
  kind: string;
  finding_id: string;
  /** JSON array of other ids. */
  aliases: string;
  /** Package name, or the file of a configuration or secret finding ('' when none). */
  package: string;
  version: string | null;
  severity: string;
  title: string;
  first_seen: string;
}

export interface AcceptedRisksTable {
  id: string;
  finding_id: string;
  package: string | null;
  target: string | null;
  reason: string;
  owner: string;
  until: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type RateLimitRuleRow = Selectable<RateLimitRulesTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
export type SecurityScanRow = Selectable<SecurityScansTable>;
export type SecurityFindingRow = Selectable<SecurityFindingsTable>;
export type AcceptedRiskRow = Selectable<AcceptedRisksTable>;
