import { UsageError } from '../errors.js';
import type { RuleParams } from './types.js';

/** The rules every deployment starts with; stored rules and run-time changes override them by name. */
export const DEFAULT_RULES = {
  default: { requests: 100, windowSeconds: 60 },
  predict: { requests: 30, windowSeconds: 60, burst: 10 },
  health: { requests: 200, windowSeconds: 60 },
  metrics: { requests: 60, windowSeconds: 60 },
  train: { requests: 5, windowSeconds: 300 },
  admin: { requests: 10, windowSeconds: 60 },
} as const satisfies Record<string, RuleParams>;

const RULE_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
// Upper bounds only keep arithmetic sane (token counts and milliseconds stay exact doubles).
const MAX_REQUESTS = 1_000_000_000;
const MAX_WINDOW_SECONDS = 366 * 24 * 3600;

function checkInt(field: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${field} must be a whole number from 1 to ${max}`, { field, value });
  }
  return value;
}

/** Rule names are used inside storage keys, so they are kept to a safe alphabet. */
export function validateRuleName(name: string): string {
  if (typeof name !== 'string' || !RULE_NAME.test(name)) {
    throw new UsageError('A rate-limit rule name must be 1-64 characters of A-Z a-z 0-9 _ . : -', { field: 'key', value: name });
  }
  return name;
}

/** Checks a rule and returns it normalized (`burst` absent when it equals the default). Throws UsageError naming the field. */
export function validateRule(rule: { requests: unknown; windowSeconds: unknown; burst?: unknown }): RuleParams {
  const requests = checkInt('requests', rule.requests, MAX_REQUESTS);
  const windowSeconds = checkInt('windowSeconds', rule.windowSeconds, MAX_WINDOW_SECONDS);
  if (rule.burst === undefined || rule.burst === null) return { requests, windowSeconds };
  return { requests, windowSeconds, burst: checkInt('burst', rule.burst, MAX_REQUESTS) };
}

/** The most tokens a bucket holds. */
export function capacityOf(rule: RuleParams): number {
  return rule.burst ?? rule.requests;
}

/**
 * One process's part of a rule that `n` processes enforce with buckets of their own (cluster
 * workers on memory buckets). The cluster hands each new connection to the next worker, so a
 * client's connections spread over all of them; if each worker held the whole rule the service
 * would admit n times the limit. With requests and burst divided by n, rounded up so no rule
 * becomes unusable, the service admits at most the limit plus n - 1 however the connections
 * are spread, and within n - 1 of the limit when they are spread evenly. A client whose
 * requests all reach one worker (a single keep-alive connection) gets that worker's share:
 * stricter than the rule, never looser. Redis-backed limits are shared and need none of this.
 */
export function shareOf(rule: RuleParams, n: number): RuleParams {
  if (n <= 1) return rule;
  const part = (v: number) => Math.max(1, Math.ceil(v / n));
  return rule.burst === undefined || rule.burst === null ? { requests: part(rule.requests), windowSeconds: rule.windowSeconds } : { requests: part(rule.requests), windowSeconds: rule.windowSeconds, burst: part(rule.burst) };
}
