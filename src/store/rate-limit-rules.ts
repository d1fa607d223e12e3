import { UsageError } from '../errors.js';
import { validateRule, validateRuleName } from '../ratelimit/rules.js';
import type { RateLimitRuleRow } from './schema.js';
import type { Store } from './store.js';

/** A stored rate-limit rule; `key` is the rule name the limiter uses (e.g. `predict`). */
export interface RateLimitRuleRecord {
  key: string;
  requests: number;
  windowSeconds: number;
  burst: number | null;
  description: string;
  updatedAt: string;
}

export interface RateLimitRuleInput {
  key: string;
  requests: number;
  windowSeconds: number;
  burst?: number | null;
  description?: string;
}

function toRecord(row: RateLimitRuleRow): RateLimitRuleRecord {
  return {
    key: row.key,
    requests: row.requests,
    windowSeconds: row.window_seconds,
    burst: row.burst,
    description: row.description,
    updatedAt: row.updated_at,
  };
}

/** Creates or replaces a rule. Throws UsageError naming the bad field. */
async function upsert(store: Store, input: RateLimitRuleInput, now = new Date()): Promise<RateLimitRuleRecord> {
  const key = validateRuleName(input.key);
  const rule = validateRule(input);
  const description = input.description ?? '';
  if (typeof description !== 'string' || description.length > 500) throw new UsageError('description must be at most 500 characters', { field: 'description' });
  const row: RateLimitRuleRow = {
    key,
    requests: rule.requests,
    window_seconds: rule.windowSeconds,
    burst: rule.burst ?? null,
    description,
    updated_at: now.toISOString(),
  };
  const { key: _key, ...changes } = row;
  await store.db
    .insertInto('rate_limit_rules')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet(changes))
    .execute();
  return toRecord(row);
}

/** All stored rules, by key. */
async function list(store: Store): Promise<RateLimitRuleRecord[]> {
  const rows = await store.db.selectFrom('rate_limit_rules').selectAll().orderBy('key').execute();
  return rows.map(toRecord);
}

async function get(store: Store, key: string): Promise<RateLimitRuleRecord | null> {
  const row = await store.db.selectFrom('rate_limit_rules').selectAll().where('key', '=', key).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Deletes a rule; true when one was there. */
async function remove(store: Store, key: string): Promise<boolean> {
  const result = await store.db.deleteFrom('rate_limit_rules').where('key', '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Rate-limit rule repository. Feed `list()` to `RateLimiter.loadRules` at start-up. */
export const rateLimitRules = { upsert, list, get, delete: remove };
