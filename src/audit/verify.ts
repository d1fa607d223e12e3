import type { Store } from '../store/store.js';
import type { AuditLogRow } from '../store/schema.js';
import { GENESIS_HASH, entryHash } from './hash.js';
import { parseDetail } from './entry.js';

export type AuditVerifyResult =
  | { ok: true; count: number; lastHash: string }
  | { ok: false; count: number; brokenAt: number; reason: string };

/** Why `row` does not follow an entry with `prevSeq`/`prevHash`, or undefined when it does. */
function checkLink(row: AuditLogRow, prevSeq: number, prevHash: string): string | undefined {
  if (row.seq !== prevSeq + 1) return `entries ${prevSeq + 1} to ${row.seq - 1} are missing`;
  if (row.prev_hash !== prevHash) return 'prev_hash does not match the previous entry (an entry was removed, inserted or reordered)';
  const detail = parseDetail(row.detail);
  if (detail === undefined) return 'detail is not a JSON object (entry changed)';
  const expected = entryHash(prevHash, { seq: row.seq, ts: row.ts, event: row.event, actor: row.actor, detail });
  if (expected !== row.hash) return 'content does not match its hash (entry changed)';
  return undefined;
}

/**
 * Walks the whole chain in seq order, a page at a time (memory stays bounded by the page
 * size), and reports the first entry that breaks it. `count` is the number of entries
 * verified before the break. `lastHash` lets an operator record the head elsewhere:
 * deleting entries from the end cannot be detected from inside the log alone.
 *
 * @example
 * const result = await verifyAudit(store);
 * if (!result.ok) console.error(`audit log broken at seq ${result.brokenAt}: ${result.reason}`);
 */
export async function verifyAudit(store: Store, options: { pageSize?: number } = {}): Promise<AuditVerifyResult> {
  const pageSize = Math.max(1, Math.min(options.pageSize ?? 500, 10_000));
  let prevSeq = 0;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const rows = await store.db.selectFrom('audit_log').selectAll().where('seq', '>', prevSeq).orderBy('seq').limit(pageSize).execute();
    for (const row of rows) {
      const reason = checkLink(row, prevSeq, prevHash);
      if (reason !== undefined) return { ok: false, count, brokenAt: row.seq, reason };
      prevSeq = row.seq;
      prevHash = row.hash;
      count++;
    }
    if (rows.length < pageSize) return { ok: true, count, lastHash: prevHash };
  }
}
