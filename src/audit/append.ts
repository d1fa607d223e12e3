import { UsageError } from '../errors.js';
import { runExclusive } from '../store/exclusive.js';
import type { Store } from '../store/store.js';
import type { AuditLogRow } from '../store/schema.js';
import { canonicalJson } from './canonical.js';
import { isAuditEvent } from './events.js';
import type { AuditEvent } from './events.js';
import { redactDetail } from './redact.js';
import { GENESIS_HASH, entryHash } from './hash.js';
import { rowToEntry } from './entry.js';
import type { AuditEntry } from './entry.js';

export interface AuditInput {
  event: AuditEvent;
  /** Who did it: `key:<id>`, `cli`, `system`, a client IP for failed auth. */
  actor: string;
  /** Context; secret-looking fields are redacted before hashing and storing. */
  detail?: Record<string, unknown>;
}

const MAX_DETAIL_CHARS = 64 * 1024;
const AUDIT_LOCK = 'audit_log';

/**
 * Appends one entry to the hash chain. The read of the last entry and the insert run under
 * an exclusive lock (see runExclusive), so concurrent appenders, in this process or
 * another, line up one after another and the chain never forks.
 *
 * @example
 * await appendAudit(store, { event: 'apikey.created', actor: 'cli', detail: { keyId: record.id, role: 'admin' } });
 */
export async function appendAudit(store: Store, input: AuditInput, options: { now?: () => Date } = {}): Promise<AuditEntry> {
  if (!isAuditEvent(input.event)) throw new UsageError(`Unknown audit event ${String(input.event)}`, { field: 'event', value: input.event });
  if (typeof input.actor !== 'string' || input.actor === '' || input.actor.length > 200) {
    throw new UsageError('actor must be 1 to 200 characters', { field: 'actor' });
  }
  const detail = redactDetail(input.detail ?? {});
  const detailText = canonicalJson(detail);
  if (detailText.length > MAX_DETAIL_CHARS) throw new UsageError('Audit detail is too large', { field: 'detail', chars: detailText.length });

  return runExclusive(store, AUDIT_LOCK, async (db) => {
    const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    // The timestamp is taken under the lock so that it never runs backwards along the chain within one process.
    const ts = (options.now?.() ?? new Date()).toISOString();
    const row: AuditLogRow = {
      seq,
      ts,
      event: input.event,
      actor: input.actor,
      detail: detailText,
      prev_hash: prevHash,
      hash: entryHash(prevHash, { seq, ts, event: input.event, actor: input.actor, detail }),
    };
    await db.insertInto('audit_log').values(row).execute();
    return rowToEntry(row);
  });
}
