import { UsageError } from '../errors.js';
import type { Store } from '../store/store.js';
import { rowToEntry } from './entry.js';
import type { AuditEntry } from './entry.js';

/**
 * The newest entries, newest first. Page backwards by passing the smallest `seq` you got as
 * the next `beforeSeq`.
 *
 * @example
 * const page = await tailAudit(store, { limit: 20 });
 * const older = await tailAudit(store, { limit: 20, beforeSeq: page.at(-1)?.seq });
 */
export async function tailAudit(store: Store, options: { limit?: number; beforeSeq?: number } = {}): Promise<AuditEntry[]> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('limit must be a whole number from 1 to 1000', { field: 'limit', value: limit });
  const { beforeSeq } = options;
  if (beforeSeq !== undefined && !Number.isInteger(beforeSeq)) throw new UsageError('beforeSeq must be a whole number', { field: 'beforeSeq', value: beforeSeq });
  let query = store.db.selectFrom('audit_log').selectAll();
  if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
  const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
  return rows.map(rowToEntry);
}
