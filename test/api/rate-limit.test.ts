import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailAudit } from '../../src/audit/index.js';
import { FallbackRateLimitStore, RateLimiter, RedisRateLimitStore, createRedisClient } from '../../src/ratelimit/index.js';
import { rateLimitRules } from '../../src/store/index.js';
import { OwnRedisServer, REDIS_URL, deletePrefix, eventually, freePort, uniquePrefix } from '../ratelimit/redis-helpers.js';
import { sampleCustomers } from '../support/model.js';
import { bearer, errorBody, testApp, type TestApp } from './helpers.js';

const payload = { customer_data: sampleCustomers(1)[0] };
// The default predict rule (burst 10, one token back every 2 s) with a refill slow enough that a loaded machine cannot slip a token in mid-test.
const SLOW_PREDICT = { requests: 10, windowSeconds: 3600, burst: 10 };

describe('rate limiting in memory', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await testApp({ limiter: 'memory' });
    t.limiter?.setRule('admin', { requests: 1000, windowSeconds: 60 });
    t.limiter?.setRule('predict', SLOW_PREDICT);
    admin = await t.key('admin');
  });

  it('every response carries the X-RateLimit headers, errors and unknown routes included', async () => {
    for (const req of [{ method: 'GET', url: '/health' }, { method: 'GET', url: '/nowhere' }, { method: 'POST', url: '/predict', payload: {} }] as const) {
      const res = await t.app.inject(req);
      expect(res.headers['x-ratelimit-remaining'], req.url).toMatch(/^\d+$/);
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
      expect(res.headers['x-ratelimit-limit']).toMatch(/^\d+$/);
    }
    expect((await t.app.inject({ method: 'GET', url: '/health' })).headers['x-ratelimit-limit']).toBe('200');
  });

  it('refuses past the burst with a 429, Retry-After and the documented body', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 12; i++) {
      last = await t.app.inject({ method: 'POST', url: '/predict', payload, remoteAddress: '10.0.0.7' });
      statuses.push(last.statusCode);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(last?.headers['x-ratelimit-remaining']).toBe('0');
    const body = JSON.parse(last?.body ?? '{}');
    expect(body).toMatchObject({ error: 'RATE_LIMITED', requests_remaining: 0, request_id: last?.headers['x-request-id'] });
    expect(new Date(body.reset_time).getTime()).toBeGreaterThan(Date.now());
    expect(typeof body.detail).toBe('string');
    // Another client has its own bucket.
    expect((await t.app.inject({ method: 'POST', url: '/predict', payload, remoteAddress: '10.0.0.8' })).statusCode).toBe(200);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/churn_rate_limit_blocks_total\{rule="predict"\} 2/);
  });

  it('X-Forwarded-For is not believed unless TRUST_PROXY is on', async () => {
    const spoof = async (ip: string) => t.app.inject({ method: 'POST', url: '/predict', payload, remoteAddress: '10.0.0.7', headers: { 'x-forwarded-for': ip } });
    expect((await spoof('1.2.3.4')).statusCode).toBe(429);
    const proxied = await testApp({ limiter: 'memory', env: { TRUST_PROXY: 'true' } });
    proxied.limiter?.setRule('predict', SLOW_PREDICT);
    for (let i = 0; i < 10; i++) await proxied.app.inject({ method: 'POST', url: '/predict', payload, headers: { 'x-forwarded-for': '1.2.3.4' } });
    expect((await proxied.app.inject({ method: 'POST', url: '/predict', payload, headers: { 'x-forwarded-for': '1.2.3.4' } })).statusCode).toBe(429);
    expect((await proxied.app.inject({ method: 'POST', url: '/predict', payload, headers: { 'x-forwarded-for': '5.6.7.8' } })).statusCode).toBe(200);
  });

  it('a rule added through the API is stored, audited and applied at once; a bad one changes nothing', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/admin/rate-limit/rules/predict', headers: bearer(admin), payload: { requests: 6, window_seconds: 3600, burst: 3, description: 'test' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ key: 'predict', requests: 6, window_seconds: 3600, burst: 3 });
    expect(await rateLimitRules.get(t.store, 'predict')).toMatchObject({ requests: 6, windowSeconds: 3600, burst: 3 });
    const [entry] = await tailAudit(t.store, { limit: 1 });
    expect(entry).toMatchObject({ event: 'ratelimit.rule_changed', detail: { rule: 'predict', burst: 3, via: 'api' } });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await t.app.inject({ method: 'POST', url: '/predict', payload, remoteAddress: '10.0.0.9' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);

    for (const bad of [{ requests: 0, window_seconds: 60 }, { requests: 5 }, { requests: '5', window_seconds: 60 }, { requests: 5, window_seconds: 60, extra: 1 }]) {
      const r = await t.app.inject({ method: 'POST', url: '/admin/rate-limit/rules/newrule', headers: bearer(admin), payload: bad });
      expect(r.statusCode, JSON.stringify(bad)).toBe(400);
      errorBody(r);
    }
    expect((await t.app.inject({ method: 'POST', url: '/admin/rate-limit/rules/bad%20name', headers: bearer(admin), payload: { requests: 1, window_seconds: 1 } })).statusCode).toBe(400);
    expect(await rateLimitRules.get(t.store, 'newrule')).toBeNull();
  });

  it('GET /admin/rate-limit/stats shows rules and counters', async () => {
    const s = (await t.app.inject({ method: 'GET', url: '/admin/rate-limit/stats', headers: bearer(admin) })).json();
    expect(s.enabled).toBe(true);
    expect(s.backend).toEqual({ backend: 'memory', degraded: false });
    expect(s.rules.predict).toMatchObject({ requests: 6, window_seconds: 3600, burst: 3 });
    expect(s.rules.predict.blocked).toBeGreaterThanOrEqual(3);
    expect(s.totals.allowed).toBeGreaterThan(10);
  });
});

describe('rate limiting in Redis', () => {
  const prefix = uniquePrefix('api');
  afterAll(() => deletePrefix(prefix));

  it('two app instances share one limit', async () => {
    const limiter = () => new RateLimiter({ store: new RedisRateLimitStore(createRedisClient(REDIS_URL), { keyPrefix: prefix }), rules: { predict: SLOW_PREDICT } });
    const a = await testApp({ limiter: limiter(), env: { RATE_LIMIT_BACKEND: 'redis', REDIS_URL } });
    const b = await testApp({ limiter: limiter(), env: { RATE_LIMIT_BACKEND: 'redis', REDIS_URL } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push((await (i % 2 === 0 ? a : b).app.inject({ method: 'POST', url: '/predict', payload })).statusCode);
      expect(codes.filter((c) => c === 200)).toHaveLength(10);
      expect(codes.slice(10)).toEqual([429, 429]);
      const health = (await b.app.inject({ method: 'GET', url: '/health/detailed' })).json();
      expect(health.redis).toMatchObject({ status: 'ok', backend: 'redis' });
    } finally {
      await a.close();
      await b.close();
      await a.limiter?.close();
      await b.limiter?.close();
    }
  });

  it('keeps serving on memory while Redis is down, shows it in /health/detailed, and goes back', async () => {
    const server = new OwnRedisServer(await freePort());
    await server.start();
    const url = `redis://127.0.0.1:${server.port}`;
    const limiter = new RateLimiter({ store: new FallbackRateLimitStore({ client: createRedisClient(url, { maxReconnectDelayMs: 100 }), keyPrefix: prefix, probeIntervalMs: 50 }) });
    const t = await testApp({ limiter, env: { RATE_LIMIT_BACKEND: 'redis', REDIS_URL: url } });
    const health = async () => (await t.app.inject({ method: 'GET', url: '/health/detailed' })).json();
    try {
      expect(await eventually(async () => (await health()).redis.status === 'ok')).toBe(true);
      await server.stop();
      expect((await t.app.inject({ method: 'POST', url: '/predict', payload })).statusCode).toBe(200);
      const down = await health();
      expect(down.status).toBe('degraded');
      expect(down.redis).toMatchObject({ status: 'down', backend: 'memory', degraded: true });
      const res = await t.app.inject({ method: 'POST', url: '/predict', payload });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-remaining']).toMatch(/^\d+$/);
      await server.start();
      expect(await eventually(async () => (await health()).redis.status === 'ok')).toBe(true);
    } finally {
      await t.close();
      await limiter.close();
      await server.stop();
    }
  });
});
