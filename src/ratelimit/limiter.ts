import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';
import { DEFAULT_RULES, capacityOf, shareOf, validateRule, validateRuleName } from './rules.js';
import type { RateLimitBackendStatus, RateLimitStore, RuleParams, TakeResult } from './types.js';

/** The answer to one check, with what the 429 headers need. */
export interface RateLimitDecision extends TakeResult {
  /** The rule that was applied (`default` when the asked-for name has no rule). */
  rule: string;
  /** Bucket capacity, for X-RateLimit-Limit. */
  limit: number;
}

export interface RateLimiterStats {
  backend?: RateLimitBackendStatus;
  totals: { allowed: number; blocked: number };
  rules: Record<string, { requests: number; windowSeconds: number; burst: number; allowed: number; blocked: number }>;
}

export interface RateLimiterOptions {
  store: RateLimitStore;
  /** Starting rules (default DEFAULT_RULES); validated. */
  rules?: Record<string, RuleParams>;
  /** Clock in epoch ms (default Date.now). */
  now?: () => number;
  /**
   * Processes that each keep buckets of their own for the same clients (cluster workers on a
   * memory store; default 1). Each then enforces 1/n of every rule, see `shareOf`.
   */
  splitAcross?: number;
}

const MAX_CLIENT_ID = 128;

/**
 * Named token-bucket rules over a RateLimitStore. Counters in `stats()` are this process's
 * own (each replica reports its share); the buckets themselves live in the store.
 *
 * @example
 * const limiter = new RateLimiter({ store: new MemoryRateLimitStore() });
 * limiter.loadRules(await rateLimitRules.list(store));
 * const d = await limiter.check('predict', request.ip);
 * if (!d.allowed) reply.code(429).header('Retry-After', Math.ceil(d.retryAfterMs / 1000));
 */
export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #now: () => number;
  readonly #rules = new Map<string, RuleParams>();
  /** Per rule: what this process enforces (the rule itself unless split across processes) and the limit clients are shown. */
  readonly #enforced = new Map<string, { share: RuleParams; limit: number }>();
  readonly #split: number;
  readonly #counters = new Map<string, { allowed: number; blocked: number }>();

  constructor(options: RateLimiterOptions) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#split = Math.max(1, Math.floor(options.splitAcross ?? 1));
    for (const [name, rule] of Object.entries({ ...DEFAULT_RULES, ...options.rules })) this.setRule(name, rule);
  }

  /** Takes one token (or `cost`) from `clientId`'s bucket for `ruleName`. */
  async check(ruleName: string, clientId: string, cost = 1): Promise<RateLimitDecision> {
    const { rule, enforced, key } = this.#bucket(ruleName, clientId);
    return this.#decide(rule, enforced.limit, await this.#store.take(key, enforced.share, this.#now(), cost));
  }

  /** `check` answered at once when the store needs no I/O (memory); undefined when it does. */
  checkSync(ruleName: string, clientId: string, cost = 1): RateLimitDecision | undefined {
    if (this.#store.takeSync === undefined) return undefined;
    const { rule, enforced, key } = this.#bucket(ruleName, clientId);
    return this.#decide(rule, enforced.limit, this.#store.takeSync(key, enforced.share, this.#now(), cost));
  }

  #bucket(ruleName: string, clientId: string): { rule: string; enforced: { share: RuleParams; limit: number }; key: string } {
    const rule = this.#rules.has(ruleName) ? ruleName : 'default';
    const enforced = this.#enforced.get(rule) as { share: RuleParams; limit: number };
    // Long client ids (forwarded headers, keys) are hashed so one client cannot make huge keys.
    const id = clientId.length > MAX_CLIENT_ID ? createHash('sha256').update(clientId).digest('hex') : clientId;
    return { rule, enforced, key: `${rule}:${id}` };
  }

  #decide(rule: string, limit: number, result: TakeResult): RateLimitDecision {
    const counter = this.#counter(rule);
    if (result.allowed) counter.allowed++;
    else counter.blocked++;
    // Clients see the rule they are under, not this process's share of it; what is left
    // service-wide is estimated from this share (the others' buckets are out of sight).
    // A literal, not a spread of `result`: in the server V8 placed every spread copy in the
    // old generation (half a kilobyte of old garbage per request, a process that grew ~1 MB/s).
    const remaining = this.#split === 1 ? result.remaining : Math.min(limit, result.remaining * this.#split);
    return { allowed: result.allowed, remaining, resetMs: result.resetMs, retryAfterMs: result.retryAfterMs, rule, limit };
  }

  #set(name: string, rule: RuleParams): void {
    this.#rules.set(name, rule);
    this.#enforced.set(name, { share: shareOf(rule, this.#split), limit: capacityOf(rule) });
  }

  /** Adds or replaces a rule at run time; throws UsageError naming the bad field. Existing buckets keep their tokens (capped to the new capacity). */
  setRule(name: string, rule: RuleParams): RuleParams {
    validateRuleName(name);
    const valid = validateRule(rule);
    this.#set(name, valid);
    return valid;
  }

  /** Removes a rule; a built-in one goes back to its default instead, so `predict` can never silently become `default`. */
  deleteRule(name: string): boolean {
    if (!this.#rules.has(name)) return false;
    const builtIn = (DEFAULT_RULES as Record<string, RuleParams>)[name];
    if (builtIn) this.#set(name, { ...builtIn });
    else {
      this.#rules.delete(name);
      this.#enforced.delete(name);
    }
    return true;
  }

  /** Applies stored rules (e.g. `rateLimitRules.list(store)`) over the current ones; all are checked before any is applied. */
  loadRules(rules: Iterable<{ key: string; requests: number; windowSeconds: number; burst?: number | null }>): void {
    const checked = [...rules].map((r) => {
      try {
        return [validateRuleName(r.key), validateRule(r)] as const;
      } catch (error) {
        if (error instanceof UsageError) throw new UsageError(`Rate-limit rule ${r.key}: ${error.message}`, { ...error.details, rule: r.key });
        throw error;
      }
    });
    for (const [name, rule] of checked) this.#set(name, rule);
  }

  /** The rules in force, by name. */
  rules(): Record<string, RuleParams> {
    return Object.fromEntries([...this.#rules].map(([name, rule]) => [name, { ...rule }]));
  }

  stats(): RateLimiterStats {
    const rules: RateLimiterStats['rules'] = {};
    const totals = { allowed: 0, blocked: 0 };
    for (const [name, rule] of this.#rules) {
      const { allowed, blocked } = this.#counters.get(name) ?? { allowed: 0, blocked: 0 };
      rules[name] = { requests: rule.requests, windowSeconds: rule.windowSeconds, burst: capacityOf(rule), allowed, blocked };
      totals.allowed += allowed;
      totals.blocked += blocked;
    }
    return { backend: this.#store.status?.(), totals, rules };
  }

  close(): Promise<void> {
    return this.#store.close();
  }

  #counter(rule: string): { allowed: number; blocked: number } {
    let counter = this.#counters.get(rule);
    if (!counter) this.#counters.set(rule, (counter = { allowed: 0, blocked: 0 }));
    return counter;
  }
}
