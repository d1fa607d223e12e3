import type { Insertable, Selectable } from 'kysely';

/**
 * Table shapes as Kysely sees them. Timestamps are ISO-8601 text on both engines so that
 * SQLite and PostgreSQL return identical values and compare the same way.
 */
export interface Database {
  api_keys: ApiKeysTable;
  rate_limit_rules: RateLimitRulesTable;
  audit_log: AuditLogTable;
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

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type RateLimitRuleRow = Selectable<RateLimitRulesTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
