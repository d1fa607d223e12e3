/** How a bucket fills: `requests` tokens per `windowSeconds`, holding at most `burst` (default: `requests`). */
export interface RuleParams {
  requests: number;
  windowSeconds: number;
  burst?: number | null;
}

export interface TakeResult {
  allowed: boolean;
  /** Whole tokens left after this take. */
  remaining: number;
  /** Epoch milliseconds (on the clock passed as `nowMs`) at which the bucket is full again. */
  resetMs: number;
  /** Milliseconds until a take of the same cost can succeed; 0 when allowed. */
  retryAfterMs: number;
}

/** Which backend answered and whether we are running on the fallback. */
export interface RateLimitBackendStatus {
  backend: 'redis' | 'memory';
  degraded: boolean;
  lastError?: string;
}

/**
 * Token-bucket storage. Every backend computes with the caller's `nowMs`, so all replicas and
 * backends agree on one clock source and tests can drive time explicitly.
 */
export interface RateLimitStore {
  take(bucketKey: string, rule: RuleParams, nowMs: number, cost?: number): Promise<TakeResult>;
  /**
   * The same take answered at once, for stores that need no I/O (memory): the request then
   * goes on without a promise and a trip through the microtask queue.
   */
  takeSync?(bucketKey: string, rule: RuleParams, nowMs: number, cost?: number): TakeResult;
  close(): Promise<void>;
  status?(): RateLimitBackendStatus;
}
