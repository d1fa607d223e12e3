import { describe, expect, it } from 'vitest';
import { FallbackRateLimitStore, MemoryRateLimitStore, RateLimiter, createRedisClient, shareOf } from '../../src/ratelimit/index.js';

describe('shareOf', () => {
  it('divides requests and burst, rounding up, never below 1', () => {
    expect(shareOf({ requests: 10, windowSeconds: 60 }, 2)).toEqual({ requests: 5, windowSeconds: 60 });
    expect(shareOf({ requests: 30, windowSeconds: 60, burst: 10 }, 4)).toEqual({ requests: 8, windowSeconds: 60, burst: 3 });
    expect(shareOf({ requests: 1, windowSeconds: 60, burst: 1 }, 8)).toEqual({ requests: 1, windowSeconds: 60, burst: 1 });
    expect(shareOf({ requests: 7, windowSeconds: 60 }, 1)).toEqual({ requests: 7, windowSeconds: 60 });
  });
});

describe('RateLimiter split across processes', () => {
  it('n limiters with buckets of their own admit the rule within n - 1, and report the whole rule', () => {
    const now = () => 1_000_000;
    const workers = [0, 1, 2].map(() => new RateLimiter({ store: new MemoryRateLimitStore(), now, splitAcross: 3, rules: { predict: { requests: 10, windowSeconds: 3600 } } }));
    let allowed = 0;
    for (let i = 0; i < 30; i++) {
      const d = workers[i % 3].checkSync('predict', '10.0.0.1');
      expect(d?.limit).toBe(10);
      expect(d?.remaining).toBeLessThanOrEqual(10);
      if (d?.allowed) allowed++;
    }
    // ceil(10 / 3) = 4 each: 12, at most 10 + (3 - 1).
    expect(allowed).toBe(12);
    // Stats and rules keep the rule as configured, not the share.
    expect(workers[0].rules().predict).toEqual({ requests: 10, windowSeconds: 3600 });
    expect(workers[0].stats().rules.predict).toMatchObject({ requests: 10, burst: 10, allowed: 4, blocked: 6 });
  });

  it('a rule changed at run time is split too', () => {
    const a = new RateLimiter({ store: new MemoryRateLimitStore(), now: () => 0, splitAcross: 2 });
    a.setRule('default', { requests: 4, windowSeconds: 3600 });
    const decisions = Array.from({ length: 4 }, () => a.checkSync('default', 'c'));
    expect(decisions.map((d) => d?.allowed)).toEqual([true, true, false, false]);
    expect(decisions[0]).toMatchObject({ limit: 4, remaining: 2 });
  });
});

describe('FallbackRateLimitStore split across processes', () => {
  it('enforces only its share while it falls back to memory', async () => {
    const store = new FallbackRateLimitStore({ client: createRedisClient('redis://127.0.0.1:1'), memoryShare: 2 });
    try {
      const now = Date.now();
      const allowed = [];
      for (let i = 0; i < 4; i++) allowed.push((await store.take('client', { requests: 3, windowSeconds: 60 }, now)).allowed);
      expect(allowed).toEqual([true, true, false, false]);
      expect(store.status()).toMatchObject({ backend: 'memory', degraded: true });
    } finally {
      await store.close();
    }
  });
});
