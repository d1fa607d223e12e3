import { checkCost, takeFromBucket } from './bucket.js';
import type { BucketState } from './bucket.js';
import type { RateLimitBackendStatus, RateLimitStore, RuleParams, TakeResult } from './types.js';

interface Entry extends BucketState {
  fullAtMs: number;
}

/** How many least-recently-used buckets one insert looks at for full ones to drop. */
const EVICTION_SCAN = 32;

/**
 * Buckets in this process's memory: the single-replica default and the fallback when Redis
 * is down. At most `maxBuckets` are kept (a flood of client addresses cannot grow memory
 * without bound): a bucket that has refilled completely is the same as no bucket and is
 * dropped first; beyond that the least recently used of the oldest buckets goes, which at
 * worst hands that idle client a fresh bucket early.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #buckets = new Map<string, Entry>();
  readonly #maxBuckets: number;

  constructor(options: { maxBuckets?: number } = {}) {
    this.#maxBuckets = Math.max(1, options.maxBuckets ?? 10_000);
  }

  async take(bucketKey: string, rule: RuleParams, nowMs: number, cost = 1): Promise<TakeResult> {
    return this.takeSync(bucketKey, rule, nowMs, cost);
  }

  takeSync(bucketKey: string, rule: RuleParams, nowMs: number, cost = 1): TakeResult {
    checkCost(rule, cost);
    const now = Math.floor(nowMs);
    const existing = this.#buckets.get(bucketKey);
    // A full bucket is treated as absent, as Redis does when the key has expired.
    const previous = existing && existing.fullAtMs > now ? existing : undefined;
    const { state, result, fullAtMs } = takeFromBucket(previous, rule, now, cost);
    if (existing === undefined) {
      this.#buckets.set(bucketKey, { ...state, fullAtMs });
      if (this.#buckets.size > this.#maxBuckets) this.#evict(now);
    } else {
      // Updated in place: deleting and re-inserting the key on every take (to keep the Map in
      // recency order) made V8 rebuild the Map's hash table every few requests.
      existing.tokens = state.tokens;
      existing.ts = state.ts;
      existing.fullAtMs = fullAtMs;
    }
    return result;
  }

  /** Number of buckets held (for tests and stats). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Forgets every bucket (used when switching back from the fallback). */
  clear(): void {
    this.#buckets.clear();
  }

  async close(): Promise<void> {
    this.#buckets.clear();
  }

  status(): RateLimitBackendStatus {
    return { backend: 'memory', degraded: false };
  }

  /**
   * Makes room for one bucket: full ones among the oldest EVICTION_SCAN go first; failing that,
   * the least recently used of those (by the time of its last take), an approximation of LRU
   * that needs no reordering on every take.
   */
  #evict(now: number): void {
    let scanned = 0;
    let victim: string | undefined;
    let victimTs = Infinity;
    for (const [key, entry] of this.#buckets) {
      if (this.#buckets.size <= this.#maxBuckets || scanned++ >= EVICTION_SCAN) break;
      if (entry.fullAtMs <= now) this.#buckets.delete(key);
      else if (entry.ts < victimTs) {
        victim = key;
        victimTs = entry.ts;
      }
    }
    if (this.#buckets.size > this.#maxBuckets && victim !== undefined) this.#buckets.delete(victim);
  }
}
