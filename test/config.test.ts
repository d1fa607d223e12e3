import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { ChurnError } from '../src/errors.js';

function messageOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ChurnError) return e.message;
    throw e;
  }
  return 'no error';
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8000);
    expect(c.rateLimitEnabled).toBe(true);
    expect(c.rateLimitBackend).toBe('memory');
    expect(c.trustProxy).toBe(false);
    expect(c.requireAuthForPredict).toBe(false);
    expect(c.databaseUrl).toMatch(/^sqlite:.*data\/churn\.db$/);
    expect(c.security).toMatchObject({ maxCritical: 0, maxHigh: 0, maxMedium: 5, failOnVulnerabilities: true, allowedIngressPorts: [8000] });
  });

  it('reads values and names the variable when one is bad', () => {
    expect(loadConfig({ PORT: '9000', TRUST_PROXY: 'yes', ALLOWED_INGRESS_PORTS: '8000, 9090' })).toMatchObject({ port: 9000, trustProxy: true, security: { allowedIngressPorts: [8000, 9090] } });
    expect(messageOf({ PORT: 'eighty' })).toMatch(/PORT must be a whole number/);
    expect(messageOf({ RATE_LIMIT_ENABLED: 'maybe' })).toMatch(/RATE_LIMIT_ENABLED must be true or false/);
    expect(messageOf({ RATE_LIMIT_BACKEND: 'redis' })).toMatch(/needs REDIS_URL/);
    expect(messageOf({ DATABASE_URL: 'mysql://x' })).toMatch(/DATABASE_URL/);
    expect(messageOf({ API_SECRET_KEY: 'short' })).toMatch(/API_SECRET_KEY/);
    expect(messageOf({ LOG_LEVEL: 'loud' })).toMatch(/LOG_LEVEL must be one of/);
  });

  it('WORKERS: 1 by default, a whole number up to 64, or auto (one per available CPU)', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WORKERS: '4' }).workers).toBe(4);
    expect(loadConfig({ WORKERS: 'AUTO' }).workers).toBe(Math.min(64, availableParallelism()));
    for (const bad of ['0', '65', '1.5', 'many']) expect(messageOf({ WORKERS: bad })).toBe(`environment variable WORKERS must be a whole number from 1 to 64, or auto, got "${bad}"`);
  });
});
