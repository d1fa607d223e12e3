import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { FallbackRateLimitStore } from '../../src/ratelimit/fallback-store.js';
import { createRedisClient, waitForRedis } from '../../src/ratelimit/redis-client.js';
import type { RateLimitBackendStatus } from '../../src/ratelimit/types.js';
import { OwnRedisServer, REDIS_URL, deletePrefix, eventually, freePort, uniquePrefix } from './redis-helpers.js';

const rule = { requests: 3, windowSeconds: 60 };

describe('FallbackRateLimitStore', () => {
  it('serves from memory, degraded, when Redis refuses connections', async () => {
    const changes: RateLimitBackendStatus[] = [];
    const store = new FallbackRateLimitStore({ client: createRedisClient('redis://127.0.0.1:1'), onStateChange: (s) => changes.push(s) });
    try {
      const now = Date.now();
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.take('client', rule, now));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(results[3].retryAfterMs).toBe(20_000);
      expect(await eventually(() => store.status().lastError?.includes('ECONNREFUSED') ?? false)).toBe(true);
      expect(store.status()).toMatchObject({ backend: 'memory', degraded: true });
      expect(changes).toEqual([]); // it never had Redis, so nothing switched
    } finally {
      await store.close();
    }
  });

  it('uses Redis when it answers', async () => {
    const prefix = uniquePrefix('rl-fallback');
    const client = createRedisClient(REDIS_URL);
    await waitForRedis(client, 5000);
    const store = new FallbackRateLimitStore({ client, keyPrefix: prefix });
    const probe = new Redis(REDIS_URL);
    try {
      expect((await store.take('client', rule, Date.now())).allowed).toBe(true);
      expect(store.status()).toEqual({ backend: 'redis', degraded: false });
      expect(await probe.exists(`${prefix}client`)).toBe(1);
    } finally {
      probe.disconnect();
      await store.close();
      await deletePrefix(prefix);
    }
  });

  describe('with a Redis server that goes away and comes back', () => {
    let server: OwnRedisServer;
    afterAll(() => server?.stop());

    it('falls back to memory when it dies and returns to Redis when it is back', async () => {
      server = new OwnRedisServer(await freePort());
      await server.start();
      const url = `redis://127.0.0.1:${server.port}`;
      const changes: RateLimitBackendStatus[] = [];
      const client = createRedisClient(url, { maxReconnectDelayMs: 100, commandTimeoutMs: 300 });
      const store = new FallbackRateLimitStore({ client, keyPrefix: 'fb:', onStateChange: (s) => changes.push(s) });
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      try {
        expect(await waitForRedis(client, 5000)).toBe(true);
        expect((await store.take('a', rule, Date.now())).allowed).toBe(true);
        expect(store.status().backend).toBe('redis');

        await server.stop();
        const during = await store.take('b', rule, Date.now());
        expect(during.allowed).toBe(true);
        expect(store.status()).toMatchObject({ backend: 'memory', degraded: true, lastError: expect.any(String) });

        await server.start();
        expect(await eventually(() => store.status().backend === 'redis')).toBe(true);
        // The restarted server has no scripts loaded and no buckets: the take must go through EVAL and create the key there.
        expect((await store.take('c', rule, Date.now())).allowed).toBe(true);
        await probe.connect();
        expect(await probe.exists('fb:c')).toBe(1);
        expect(await probe.exists('fb:b')).toBe(0);
        expect(changes.map((c) => c.backend)).toEqual(['redis', 'memory', 'redis']);
        expect(changes[1].degraded).toBe(true);
      } finally {
        probe.disconnect();
        await store.close();
      }
    });

    it('falls back when Redis stops answering on an open connection, and probes its way back', async () => {
      const url = `redis://127.0.0.1:${server.port}`;
      const client = createRedisClient(url, { commandTimeoutMs: 200 });
      const store = new FallbackRateLimitStore({ client, keyPrefix: 'fb2:', probeIntervalMs: 20 });
      try {
        expect(await waitForRedis(client, 5000)).toBe(true);
        expect((await store.take('a', rule, Date.now())).allowed).toBe(true);
        server.pause();
        const during = await store.take('a', rule, Date.now());
        // Served by a fresh memory bucket, so all three tokens are there.
        expect(during).toMatchObject({ allowed: true, remaining: 2 });
        expect(store.status()).toMatchObject({ backend: 'memory', degraded: true, lastError: expect.stringMatching(/timed out/i) });
        expect(client.status).toBe('ready');
        server.resume();
        expect(await eventually(async () => (await store.take('probe', rule, Date.now()), store.status().backend === 'redis'))).toBe(true);
        // Back on the shared bucket. The take that timed out was still queued on the frozen
        // server and ran when it woke, so 'a' paid twice there: a timeout can overcharge, never over-admit.
        expect((await store.take('a', rule, Date.now())).remaining).toBe(0);
      } finally {
        server.resume();
        await store.close();
      }
    });
  });
});
