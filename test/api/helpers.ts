import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createLogger } from '../../src/api/logger.js';
import { ModelHolder } from '../../src/api/model-holder.js';
import { loadConfig, type Config, type Env } from '../../src/config/index.js';
import { MemoryRateLimitStore, RateLimiter } from '../../src/ratelimit/index.js';
import { apiKeys, openStore, type ApiKeyRole, type Store } from '../../src/store/index.js';
import { testModel } from '../support/model.js';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  config: Config;
  models: ModelHolder;
  limiter: RateLimiter | null;
  /** Log lines the app wrote (JSON text). */
  logs: string[];
  /** Issues a key with this role straight in the store. */
  key(role: ApiKeyRole): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Env;
  /** A store to use (not closed by close()); default a fresh SQLite file. */
  store?: Store;
  /** 'memory' builds a memory limiter with the default rules; default: rate limiting off. */
  limiter?: RateLimiter | 'memory' | null;
}

/** An app on the shared test model, a fresh SQLite store and a captured logger. Closed after the file. */
export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  const m = await testModel();
  const dir = mkdtempSync(join(tmpdir(), 'churn-app-'));
  const config = loadConfig({ DATA_DIR: dir, MODEL_PATH: m.path, LOG_LEVEL: 'info', RATE_LIMIT_ENABLED: options.limiter ? 'true' : 'false', ...options.env });
  const store = options.store ?? (await openStore({ url: `sqlite:${join(dir, 'store.db')}` }));
  const limiter = options.limiter === 'memory' ? new RateLimiter({ store: new MemoryRateLimitStore() }) : (options.limiter ?? null);
  const models = new ModelHolder(m.path, m.model);
  const logs: string[] = [];
  const logger = createLogger(config.logLevel, { write: (line: string) => void logs.push(line) });
  const app = await buildApp({ config, store, models, limiter, logger });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    if (!options.store) await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  afterAll(close);
  return {
    app,
    store,
    config,
    models,
    limiter,
    logs,
    key: async (role) => (await apiKeys.create(store, { role, name: `test ${role}` })).key,
    close,
  };
}

/** Asserts the error shape every 4xx/5xx shares and returns the body. */
export function errorBody(res: { statusCode: number; headers: Record<string, unknown>; body: string }): { error: string; detail: string; request_id: string } {
  const body = JSON.parse(res.body) as { error: string; detail: string; request_id: string };
  if (typeof body.error !== 'string' || typeof body.detail !== 'string' || body.request_id !== res.headers['x-request-id']) {
    throw new Error(`not the error shape: ${res.statusCode} ${res.body}`);
  }
  return body;
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
