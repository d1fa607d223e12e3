import { UsageError } from '../errors.js';
import type { AcceptedRisk } from '../security/history/types.js';
import { StoreError } from './errors.js';
import { randomBase62 } from './keys.js';
import type { AcceptedRiskRow } from './schema.js';
import type { Store } from './store.js';

export interface AcceptedRiskRecord extends AcceptedRisk {
  createdBy: string;
  revokedBy: string | null;
}

export interface AcceptedRiskInput {
  findingId: string;
  package?: string | null;
  target?: string | null;
  reason: string;
  owner: string;
  until: Date;
}

const FINDING_ID = /^[A-Za-z0-9][A-Za-z0-9._:+/-]{0,127}$/;

function toRecord(row: AcceptedRiskRow): AcceptedRiskRecord {
  return {
    id: row.id,
    findingId: row.finding_id,
    package: row.package,
    target: row.target,
    reason: row.reason,
    owner: row.owner,
    until: row.until,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}

function text(value: unknown, field: string, max: number): string {
  const v = typeof value === 'string' ? value.trim() : '';
  if (v === '' || v.length > max) throw new UsageError(`${field} must be 1 to ${max} characters`, { field });
  return v;
}

function scope(value: string | null | undefined, field: string): string | null {
  return value === undefined || value === null ? null : text(value, field, 1000);
}

/** Records an acceptance. Throws UsageError naming the bad field; `until` must lie in the future. */
async function add(store: Store, input: AcceptedRiskInput, actor: string, now = new Date()): Promise<AcceptedRiskRecord> {
  if (typeof input.findingId !== 'string' || !FINDING_ID.test(input.findingId)) {
    throw new UsageError('the finding id must be an advisory, check or rule id such as CVE-2024-1234 or CP-DF-001', { field: 'findingId', value: String(input.findingId).slice(0, 100) });
  }
  if (!(input.until instanceof Date) || Number.isNaN(input.until.getTime())) throw new UsageError('until must be a date', { field: 'until' });
  if (input.until.getTime() <= now.getTime()) throw new UsageError(`until must lie in the future (it is ${input.until.toISOString()}, now is ${now.toISOString()})`, { field: 'until' });
  const row: AcceptedRiskRow = {
    id: `risk_${randomBase62(12)}`,
    finding_id: input.findingId,
    package: scope(input.package, 'package'),
    target: scope(input.target, 'target'),
    reason: text(input.reason, 'reason', 1000),
    owner: text(input.owner, 'owner', 200),
    until: input.until.toISOString(),
    created_at: now.toISOString(),
    created_by: text(actor, 'actor', 200),
    revoked_at: null,
    revoked_by: null,
  };
  await store.db.insertInto('accepted_risks').values(row).execute();
  return toRecord(row);
}

/**
 * Revokes acceptances: the one with this id (`risk_…`), or every unrevoked one for this finding
 * id (case-insensitive) with exactly this package and target scope when given. NOT_FOUND when
 * nothing matched. Returns what was revoked.
 */
async function revoke(store: Store, which: { id: string } | { findingId: string; package?: string | null; target?: string | null }, actor: string, now = new Date()): Promise<AcceptedRiskRecord[]> {
  return store.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('accepted_risks').selectAll().where('revoked_at', 'is', null);
    if ('id' in which) q = q.where('id', '=', which.id);
    else {
      q = q.where((eb) => eb(eb.fn('upper', ['finding_id']), '=', which.findingId.toUpperCase()));
      if (which.package !== undefined && which.package !== null) q = q.where('package', '=', which.package);
      if (which.target !== undefined && which.target !== null) q = q.where('target', '=', which.target);
    }
    const rows = await q.orderBy('created_at').execute();
    if (rows.length === 0) {
      const what = 'id' in which ? which.id : which.findingId;
      throw new StoreError('NOT_FOUND', `No accepted risk in force for ${what}`, { details: { id: what } });
    }
    const revokedAt = now.toISOString();
    await trx.updateTable('accepted_risks').set({ revoked_at: revokedAt, revoked_by: actor }).where('id', 'in', rows.map((r) => r.id)).execute();
    return rows.map((r) => toRecord({ ...r, revoked_at: revokedAt, revoked_by: actor }));
  });
}

/** Acceptances, oldest first: all of them, or only those in force at `activeAt`. */
async function list(store: Store, options: { activeAt?: Date } = {}): Promise<AcceptedRiskRecord[]> {
  let q = store.db.selectFrom('accepted_risks').selectAll();
  if (options.activeAt !== undefined) q = q.where('revoked_at', 'is', null).where('until', '>', options.activeAt.toISOString());
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map(toRecord);
}

/** Accepted-risk repository: what vulnerability management leaves out of the gate, and until when. */
export const acceptedRisks = { add, revoke, list };
