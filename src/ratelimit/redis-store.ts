import type { Redis } from 'ioredis';
import { checkCost } from './bucket.js';
import { capacityOf } from './rules.js';
import { TAKE_TOKEN_COMMAND, TAKE_TOKEN_LUA } from './redis-script.js';
import { closeRedisClient } from './redis-client.js';
import type { RateLimitBackendStatus, RateLimitStore, RuleParams, TakeResult } from './types.js';

type ScriptReply = [allowed: number, remaining: number, offset: number, toFull: number, retry: number];
type WithTakeCommand = Redis & {
  [TAKE_TOKEN_COMMAND]: (key: string, capacity: number, requests: number, windowMs: number, nowMs: number, cost: number) => Promise<ScriptReply>;
};

export interface RedisRateLimitStoreOptions {
  /** Prepended to every bucket key (default `churn:rl:`). */
  keyPrefix?: string;
  /** Close the client when the store closes (default true). */
  ownsClient?: boolean;
}

/**
 * Buckets in Redis, shared by every replica. Each take is one EVALSHA of the token-bucket
 * script (ioredis loads it on NOSCRIPT), so there is no read-modify-write race between clients.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: WithTakeCommand;
  readonly #prefix: string;
  readonly #ownsClient: boolean;

  constructor(client: Redis, options: RedisRateLimitStoreOptions = {}) {
    if (!(TAKE_TOKEN_COMMAND in client)) client.defineCommand(TAKE_TOKEN_COMMAND, { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
    this.#client = client as WithTakeCommand;
    this.#prefix = options.keyPrefix ?? 'churn:rl:';
    this.#ownsClient = options.ownsClient ?? true;
  }

  /** The ioredis client (status, events). */
  get client(): Redis {
    return this.#client;
  }

  async take(bucketKey: string, rule: RuleParams, nowMs: number, cost = 1): Promise<TakeResult> {
    checkCost(rule, cost);
    const now = Math.floor(nowMs);
    const [allowed, remaining, offset, toFull, retry] = await this.#client[TAKE_TOKEN_COMMAND](
      this.#prefix + bucketKey,
      capacityOf(rule),
      rule.requests,
      rule.windowSeconds * 1000,
      now,
      cost,
    );
    return {
      allowed: allowed === 1,
      remaining,
      resetMs: now + offset + toFull,
      retryAfterMs: allowed === 1 ? 0 : offset + retry,
    };
  }

  async close(): Promise<void> {
    if (this.#ownsClient) await closeRedisClient(this.#client);
  }

  status(): RateLimitBackendStatus {
    return { backend: 'redis', degraded: this.#client.status !== 'ready' };
  }
}
