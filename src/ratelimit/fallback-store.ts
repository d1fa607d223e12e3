import type { Redis } from 'ioredis';
import { UsageError } from '../errors.js';
import { MemoryRateLimitStore } from './memory-store.js';
import { RedisRateLimitStore } from './redis-store.js';
import { shareOf } from './rules.js';
import type { RateLimitBackendStatus, RateLimitStore, RuleParams, TakeResult } from './types.js';

export interface FallbackRateLimitStoreOptions {
  /** A client from createRedisClient (fail-fast settings); closed with the store. */
  client: Redis;
  keyPrefix?: string;
  /** Buckets used while Redis is unreachable (default: a new MemoryRateLimitStore). */
  memory?: MemoryRateLimitStore;
  /** Called on every switch between Redis and memory, with the new status; log it. */
  onStateChange?: (status: RateLimitBackendStatus) => void;
  /** While degraded on a connection that still looks up, try Redis again this often (default 1000 ms). */
  probeIntervalMs?: number;
  /** Processes of one replica falling back to memory each (cluster workers; default 1): each enforces its share, see shareOf. */
  memoryShare?: number;
}

/**
 * Redis when it answers, this process's memory when it does not. Limits keep working through
 * a Redis outage, per replica instead of shared (N replicas admit up to N times the limit),
 * and go back to Redis when ioredis reconnects. Buckets are not copied either way: a switch
 * starts the new backend's buckets afresh.
 */
export class FallbackRateLimitStore implements RateLimitStore {
  readonly #redis: RedisRateLimitStore;
  readonly #memory: MemoryRateLimitStore;
  readonly #client: Redis;
  readonly #onStateChange: (status: RateLimitBackendStatus) => void;
  readonly #probeIntervalMs: number;
  readonly #memoryShare: number;
  #status: RateLimitBackendStatus;
  #nextProbeAt = 0;
  #lastConnectionError: string | undefined;

  constructor(options: FallbackRateLimitStoreOptions) {
    this.#client = options.client;
    this.#redis = new RedisRateLimitStore(options.client, { keyPrefix: options.keyPrefix, ownsClient: true });
    this.#memory = options.memory ?? new MemoryRateLimitStore();
    this.#onStateChange = options.onStateChange ?? (() => undefined);
    this.#probeIntervalMs = options.probeIntervalMs ?? 1000;
    this.#memoryShare = options.memoryShare ?? 1;
    this.#status = this.#client.status === 'ready' ? { backend: 'redis', degraded: false } : { backend: 'memory', degraded: true, lastError: `redis ${this.#client.status}` };
    this.#client.on('ready', this.#onReady);
    this.#client.on('close', this.#onClose);
    this.#client.on('error', this.#onError);
  }

  async take(bucketKey: string, rule: RuleParams, nowMs: number, cost = 1): Promise<TakeResult> {
    if (this.#shouldTryRedis()) {
      try {
        const result = await this.#redis.take(bucketKey, rule, nowMs, cost);
        this.#useRedis();
        return result;
      } catch (error) {
        if (error instanceof UsageError) throw error;
        this.#useMemory(error instanceof Error ? error.message : String(error));
      }
    }
    return this.#memory.take(bucketKey, shareOf(rule, this.#memoryShare), nowMs, cost);
  }

  status(): RateLimitBackendStatus {
    return { ...this.#status };
  }

  async close(): Promise<void> {
    this.#client.off('ready', this.#onReady);
    this.#client.off('close', this.#onClose);
    this.#client.off('error', this.#onError);
    await Promise.all([this.#redis.close(), this.#memory.close()]);
  }

  #shouldTryRedis(): boolean {
    if (this.#status.backend === 'redis') return true;
    // Degraded by a timeout on a link ioredis still thinks is up: probe now and then.
    if (this.#client.status !== 'ready' || Date.now() < this.#nextProbeAt) return false;
    this.#nextProbeAt = Date.now() + this.#probeIntervalMs;
    return true;
  }

  #useRedis(): void {
    if (this.#status.backend === 'redis') return;
    this.#status = { backend: 'redis', degraded: false };
    this.#memory.clear();
    this.#onStateChange(this.status());
  }

  #useMemory(reason: string): void {
    if (this.#status.backend === 'memory') {
      this.#status.lastError = reason;
      return;
    }
    this.#status = { backend: 'memory', degraded: true, lastError: reason };
    this.#nextProbeAt = Date.now() + this.#probeIntervalMs;
    this.#onStateChange(this.status());
  }

  readonly #onReady = (): void => this.#useRedis();
  readonly #onClose = (): void => this.#useMemory(this.#lastConnectionError ?? 'redis connection closed');
  readonly #onError = (error: Error): void => {
    this.#lastConnectionError = error.message;
    if (this.#status.backend === 'memory') this.#status.lastError = error.message;
  };
}
