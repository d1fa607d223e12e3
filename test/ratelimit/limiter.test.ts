import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/ratelimit/limiter.js';
import { MemoryRateLimitStore } from '../../src/ratelimit/memory-store.js';
import { DEFAULT_RULES } from '../../src/ratelimit/rules.js';
import { Redis } from 'ioredis';
import { UsageError } from '../../src/errors.js';
import { RedisRateLimitStore } from '../../src/ratelimit/redis-store.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from './redis-helpers.js';

function limiterAt(start = 1_000_000) {
  const clock = { now: start };
  const limiter = new RateLimiter({ store: new MemoryRateLimitStore(), now: () => clock.now });
  return { limiter, clock };
}

describe('RateLimiter', () => {
  it('starts with the default rules', () => {
    const { limiter } = limiterAt();
    expect(limiter.rules()).toEqual({
      default: { requests: 100, windowSeconds: 60 },
      predict: { requests: 30, windowSeconds: 60, burst: 10 },
      health: { requests: 200, windowSeconds: 60 },
      metrics: { requests: 60, windowSeconds: 60 },
      train: { requests: 5, windowSeconds: 300 },
      admin: { requests: 10, windowSeconds: 60 },
    });
  });

  it('limits each client per rule and reports what the 429 headers need', async () => {
    const { limiter, clock } = limiterAt();
    const decisions = [];
    for (let i = 0; i < 11; i++) decisions.push(await limiter.check('predict', '10.0.0.1'));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions[10]).toMatchObject({ allowed: false, rule: 'predict', limit: 10, remaining: 0, retryAfterMs: 2000 });
    // Another client and another rule have their own buckets.
    expect((await limiter.check('predict', '10.0.0.2')).allowed).toBe(true);
    expect((await limiter.check('admin', '10.0.0.1')).allowed).toBe(true);
    clock.now += 2000;
    expect((await limiter.check('predict', '10.0.0.1')).allowed).toBe(true);
  });

  it('applies the default rule to names it does not know', async () => {
    const { limiter } = limiterAt();
    const d = await limiter.check('no-such-rule', 'c');
    expect(d).toMatchObject({ rule: 'default', limit: 100, remaining: 99 });
  });

  it('changes rules at run time and validates them, naming the field', async () => {
    const { limiter } = limiterAt();
    limiter.setRule('export', { requests: 2, windowSeconds: 10 });
    await limiter.check('export', 'c');
    await limiter.check('export', 'c');
    expect((await limiter.check('export', 'c')).allowed).toBe(false);
    for (const [rule, field] of [
      [{ requests: 0, windowSeconds: 10 }, 'requests'],
      [{ requests: 5, windowSeconds: 0.5 }, 'windowSeconds'],
      [{ requests: 5, windowSeconds: 10, burst: 0 }, 'burst'],
    ] as const) {
      const error = (() => {
        try {
          limiter.setRule('export', rule);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).details).toMatchObject({ field });
    }
    expect(() => limiter.setRule('has space', { requests: 1, windowSeconds: 1 })).toThrow(UsageError);
    expect(limiter.rules().export).toEqual({ requests: 2, windowSeconds: 10 });
  });

  it('loads stored rules all-or-nothing', () => {
    const { limiter } = limiterAt();
    limiter.loadRules([
      { key: 'predict', requests: 60, windowSeconds: 60, burst: null },
      { key: 'batch', requests: 3, windowSeconds: 60, burst: 1 },
    ]);
    expect(limiter.rules().predict).toEqual({ requests: 60, windowSeconds: 60 });
    expect(limiter.rules().batch).toEqual({ requests: 3, windowSeconds: 60, burst: 1 });
    expect(() => limiter.loadRules([{ key: 'ok', requests: 1, windowSeconds: 1 }, { key: 'bad', requests: -1, windowSeconds: 1 }])).toThrow(/bad/);
    expect(limiter.rules().ok).toBeUndefined();
  });

  it('puts a deleted built-in rule back to its default and drops a custom one', () => {
    const { limiter } = limiterAt();
    limiter.setRule('predict', { requests: 1, windowSeconds: 1 });
    limiter.setRule('custom', { requests: 1, windowSeconds: 1 });
    expect(limiter.deleteRule('predict')).toBe(true);
    expect(limiter.rules().predict).toEqual(DEFAULT_RULES.predict);
    expect(limiter.deleteRule('custom')).toBe(true);
    expect(limiter.rules().custom).toBeUndefined();
    expect(limiter.deleteRule('custom')).toBe(false);
  });

  it('counts allowed and blocked per rule and shows the backend', async () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 12; i++) await limiter.check('admin', 'c');
    await limiter.check('health', 'c');
    const stats = limiter.stats();
    expect(stats.rules.admin).toEqual({ requests: 10, windowSeconds: 60, burst: 10, allowed: 10, blocked: 2 });
    expect(stats.rules.health).toMatchObject({ allowed: 1, blocked: 0 });
    expect(stats.rules.predict).toMatchObject({ burst: 10, allowed: 0, blocked: 0 });
    expect(stats.totals).toEqual({ allowed: 11, blocked: 2 });
    expect(stats.backend).toEqual({ backend: 'memory', degraded: false });
  });

  it('treats very long client ids as one client each without storing them whole', async () => {
    const { limiter } = limiterAt();
    const long = 'x'.repeat(5000);
    for (let i = 0; i < 10; i++) await limiter.check('admin', long);
    expect((await limiter.check('admin', long)).allowed).toBe(false);
    expect((await limiter.check('admin', `${long}y`)).allowed).toBe(true);
  });

  it('answers synchronously from a memory store, sharing buckets and counters with check', async () => {
    const { limiter } = limiterAt();
    const sync = [];
    for (let i = 0; i < 6; i++) sync.push(limiter.checkSync('predict', '10.0.0.9'));
    const rest = [];
    for (let i = 0; i < 5; i++) rest.push(await limiter.check('predict', '10.0.0.9'));
    expect(sync.map((d) => d?.allowed)).toEqual([true, true, true, true, true, true]);
    expect(rest.map((d) => d.allowed)).toEqual([true, true, true, true, false]);
    expect(sync[5]).toMatchObject({ rule: 'predict', limit: 10, remaining: 4 });
    expect(limiter.stats().rules.predict).toMatchObject({ allowed: 10, blocked: 1 });
  });

  it('has no synchronous answer for a store that needs I/O (Redis)', async () => {
    const prefix = uniquePrefix('sync');
    const limiter = new RateLimiter({ store: new RedisRateLimitStore(new Redis(REDIS_URL), { keyPrefix: prefix, ownsClient: true }) });
    try {
      expect(limiter.checkSync('predict', '10.0.0.1')).toBeUndefined();
      expect((await limiter.check('predict', '10.0.0.1')).allowed).toBe(true);
    } finally {
      await limiter.close();
      await deletePrefix(prefix);
    }
  });
});

