import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisRateLimitStore } from '../../src/ratelimit/redis-store.js';
import { createRedisClient, waitForRedis } from '../../src/ratelimit/redis-client.js';
import { rateLimitStoreContract } from './contract.js';
import { REDIS_URL, deletePrefix, uniquePrefix } from './redis-helpers.js';

async function connectedStore(keyPrefix: string): Promise<RedisRateLimitStore> {
  const client = createRedisClient(REDIS_URL);
  if (!(await waitForRedis(client, 5000))) throw new Error(`Redis at ${REDIS_URL} is not reachable`);
  return new RedisRateLimitStore(client, { keyPrefix });
}

const contractPrefix = uniquePrefix('rl-contract');
rateLimitStoreContract('redis', async () => ({ store: await connectedStore(contractPrefix), cleanup: () => deletePrefix(contractPrefix) }));

describe('RedisRateLimitStore across clients', () => {
  const prefix = uniquePrefix('rl-shared');
  afterAll(() => deletePrefix(prefix));

  it('two connections sharing one bucket of 50 admit exactly 50 of 200 concurrent takes', async () => {
    const [a, b] = await Promise.all([connectedStore(prefix), connectedStore(prefix)]);
    try {
      const rule = { requests: 50, windowSeconds: 3600 };
      const now = Date.now();
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).take('shared', rule, now)));
      expect(results.filter((r) => r.allowed)).toHaveLength(50);
      expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0)).toBe(true);
      const remaining = results.filter((r) => r.allowed).map((r) => r.remaining).sort((x, y) => x - y);
      expect(remaining).toEqual(Array.from({ length: 50 }, (_, i) => i));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('stores the bucket under the prefix and lets it expire once it would be full', async () => {
    const store = await connectedStore(prefix);
    const probe = new Redis(REDIS_URL);
    try {
      const rule = { requests: 10, windowSeconds: 60 }; // 6 s per token
      await store.take('expiring', rule, Date.now(), 3);
      const ttl = await probe.pttl(`${prefix}expiring`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(18_000);
      expect(await probe.hkeys(`${prefix}expiring`)).toEqual(['tokens', 'ts']);
    } finally {
      probe.disconnect();
      await store.close();
    }
  });
});
