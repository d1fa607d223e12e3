import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { RateLimitStore, RuleParams } from '../../src/ratelimit/types.js';

const T0 = 1_700_000_000_000;

/**
 * The behaviour every RateLimitStore must have. Times are passed explicitly; windows are
 * long enough (a minute or more) that real time passing during the test changes nothing,
 * even for Redis keys, whose expiry runs on the server's clock.
 */
export function rateLimitStoreContract(name: string, make: () => Promise<{ store: RateLimitStore; cleanup: () => Promise<void> }>): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    let store: RateLimitStore;
    let cleanup: () => Promise<void>;
    const key = () => `bucket-${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      ({ store, cleanup } = await make());
    });
    afterAll(async () => {
      await store.close();
      await cleanup();
    });

    it('admits a full burst, then blocks with the time until one token is back', async () => {
      const rule: RuleParams = { requests: 30, windowSeconds: 60, burst: 10 }; // one token per 2 s
      const k = key();
      const remaining: number[] = [];
      for (let i = 0; i < 10; i++) {
        const r = await store.take(k, rule, T0);
        expect(r.allowed).toBe(true);
        expect(r.retryAfterMs).toBe(0);
        remaining.push(r.remaining);
      }
      expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      const blocked = await store.take(k, rule, T0);
      expect(blocked).toEqual({ allowed: false, remaining: 0, retryAfterMs: 2000, resetMs: T0 + 20_000 });
    });

    it('refills at requests per window and caps at the burst', async () => {
      const rule: RuleParams = { requests: 60, windowSeconds: 60, burst: 5 }; // one token per second
      const k = key();
      for (let i = 0; i < 5; i++) await store.take(k, rule, T0);
      expect((await store.take(k, rule, T0 + 999)).allowed).toBe(false);
      const after = await store.take(k, rule, T0 + 1000);
      expect(after).toMatchObject({ allowed: true, remaining: 0 });
      expect((await store.take(k, rule, T0 + 1500)).retryAfterMs).toBe(500);
      // Long idle: the bucket is full again, never fuller than the burst.
      const r = await store.take(k, rule, T0 + 3_600_000);
      expect(r).toEqual({ allowed: true, remaining: 4, retryAfterMs: 0, resetMs: T0 + 3_600_000 + 1000 });
    });

    it('uses requests as the capacity when there is no burst, and reports when the bucket is full again', async () => {
      const rule: RuleParams = { requests: 4, windowSeconds: 60 }; // one token per 15 s
      const k = key();
      const first = await store.take(k, rule, T0);
      expect(first).toEqual({ allowed: true, remaining: 3, retryAfterMs: 0, resetMs: T0 + 15_000 });
      const second = await store.take(k, rule, T0 + 5000, 2);
      // 3 + 1/3 refilled - 2 = 1.333 tokens; full again after 2.667 more tokens = 40 s.
      expect(second).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0, resetMs: T0 + 45_000 });
      const third = await store.take(k, rule, T0 + 5000, 3);
      expect(third).toMatchObject({ allowed: false, remaining: 1, retryAfterMs: 25_000 });
    });

    it('keeps buckets independent', async () => {
      const rule: RuleParams = { requests: 2, windowSeconds: 60 };
      const a = key();
      const b = key();
      await store.take(a, rule, T0);
      await store.take(a, rule, T0);
      expect((await store.take(a, rule, T0)).allowed).toBe(false);
      expect(await store.take(b, rule, T0)).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('does not refill when a clock runs behind the last take', async () => {
      const rule: RuleParams = { requests: 1, windowSeconds: 60 };
      const k = key();
      expect((await store.take(k, rule, T0 + 10_000)).allowed).toBe(true);
      const behind = await store.take(k, rule, T0);
      expect(behind).toMatchObject({ allowed: false, retryAfterMs: 70_000, resetMs: T0 + 70_000 });
    });

    it('applies a lowered capacity to an existing bucket at once', async () => {
      const k = key();
      await store.take(k, { requests: 100, windowSeconds: 60 }, T0);
      expect(await store.take(k, { requests: 100, windowSeconds: 60, burst: 3 }, T0)).toMatchObject({ allowed: true, remaining: 2 });
    });

    it('rejects a cost the bucket can never pay', async () => {
      await expect(store.take(key(), { requests: 5, windowSeconds: 60 }, T0, 6)).rejects.toBeInstanceOf(UsageError);
      await expect(store.take(key(), { requests: 5, windowSeconds: 60 }, T0, 0)).rejects.toBeInstanceOf(UsageError);
    });
  });
}
