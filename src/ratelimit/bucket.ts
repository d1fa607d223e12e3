import { UsageError } from '../errors.js';
import { capacityOf } from './rules.js';
import type { RuleParams, TakeResult } from './types.js';

/** A bucket as stored: fractional tokens as of `ts` (ms on the caller's clock). */
export interface BucketState {
  tokens: number;
  ts: number;
}

/** Rejects a cost the bucket could never pay (it would be denied forever with a meaningless retry time). */
export function checkCost(rule: RuleParams, cost: number): void {
  if (!Number.isInteger(cost) || cost < 1 || cost > capacityOf(rule)) {
    throw new UsageError(`cost must be a whole number from 1 to the bucket capacity (${capacityOf(rule)})`, { field: 'cost', value: cost });
  }
}

/**
 * One take from a token bucket, pure. This is the reference for the Lua script in
 * redis-script.ts: the same operations in the same order, so both backends give identical
 * answers for the same inputs. A clock running behind the stored `ts` refills nothing and
 * never moves `ts` back, so replicas with slightly skewed clocks cannot mint tokens.
 */
export function takeFromBucket(
  previous: BucketState | undefined,
  rule: RuleParams,
  nowMs: number,
  cost: number,
): { state: BucketState; result: TakeResult; fullAtMs: number } {
  const capacity = capacityOf(rule);
  const windowMs = rule.windowSeconds * 1000;
  let tokens = capacity;
  let ts = nowMs;
  if (previous) {
    tokens = previous.tokens;
    ts = previous.ts;
    if (nowMs > ts) {
      tokens = Math.min(capacity, tokens + ((nowMs - ts) * rule.requests) / windowMs);
      ts = nowMs;
    }
    if (tokens > capacity) tokens = capacity; // the rule was lowered since the last take
  }
  const allowed = tokens >= cost;
  if (allowed) tokens -= cost;
  const toFull = Math.ceil(((capacity - tokens) * windowMs) / rule.requests);
  const retry = allowed ? 0 : Math.ceil(((cost - tokens) * windowMs) / rule.requests);
  const offset = ts - nowMs;
  return {
    state: { tokens, ts },
    fullAtMs: ts + toFull,
    result: {
      allowed,
      remaining: Math.floor(tokens),
      resetMs: nowMs + offset + toFull,
      retryAfterMs: allowed ? 0 : offset + retry,
    },
  };
}
