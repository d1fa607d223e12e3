import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createLogger } from '../../src/api/logger.js';
import { openServices } from '../../src/api/services.js';
import { loadConfig } from '../../src/config/index.js';
import { openStore, rateLimitRules } from '../../src/store/index.js';
import { REDIS_URL } from '../ratelimit/redis-helpers.js';
import { testModel } from '../support/model.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();

describe('openServices', () => {
  it('opens the store, registers the API_SECRET_KEY admin key, loads stored rules and the model', async () => {
    const m = await testModel();
    const url = `sqlite:${join(tmp.dir, 'svc.db')}`;
    const seed = await openStore({ url });
    await rateLimitRules.upsert(seed, { key: 'predict', requests: 7, windowSeconds: 60, burst: 2 });
    await seed.close();
    const secret = 'bootstrap-secret-key-0123456789';
    const config = loadConfig({ DATA_DIR: tmp.dir, DATABASE_URL: url, MODEL_PATH: m.path, API_SECRET_KEY: secret, RATE_LIMIT_BACKEND: 'redis', REDIS_URL, LOG_LEVEL: 'silent' });
    const services = await openServices(config, { log: createLogger('silent') });
    const app = await buildApp(services.deps);
    try {
      expect(services.deps.models.current?.model.version).toBe(m.model.version);
      expect(services.deps.limiter?.rules().predict).toEqual({ requests: 7, windowSeconds: 60, burst: 2 });
      const res = await app.inject({ method: 'GET', url: '/admin/rate-limit/stats', headers: { authorization: `Bearer ${secret}` } });
      expect(res.statusCode).toBe(200);
      expect(res.json().backend).toEqual({ backend: 'redis', degraded: false });
    } finally {
      await app.close();
      await services.close();
    }
  });

  it('fails to start on a missing model file, naming it, and leaves nothing open', async () => {
    const config = loadConfig({ DATA_DIR: tmp.dir, DATABASE_URL: `sqlite:${join(tmp.dir, 'svc2.db')}`, MODEL_PATH: join(tmp.dir, 'nope.json'), RATE_LIMIT_ENABLED: 'false' });
    await expect(openServices(config, { log: createLogger('silent') })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('nope.json') });
  });
});
