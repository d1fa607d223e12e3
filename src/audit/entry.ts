import type { AuditLogRow } from '../store/schema.js';
import type { JsonObject, JsonValue } from './canonical.js';

/** One audit log entry as returned by append and tail. */
export interface AuditEntry {
  seq: number;
  ts: string;
  event: string;
  actor: string;
  detail: JsonObject;
  prevHash: string;
  hash: string;
}

/** The stored detail text as an object, or undefined when it is not a JSON object (tampered). */
export function parseDetail(text: string): JsonObject | undefined {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function rowToEntry(row: AuditLogRow): AuditEntry {
  return {
    seq: row.seq,
    ts: row.ts,
    event: row.event,
    actor: row.actor,
    // A row whose detail no longer parses is shown, not hidden; verifyAudit reports it.
    detail: parseDetail(row.detail) ?? { unparseable_detail: row.detail },
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
