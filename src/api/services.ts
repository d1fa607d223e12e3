import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { ChurnModel } from '../model/churn-model.js';
import {
  FallbackRateLimitStore,
  MemoryRateLimitStore,
  RateLimiter,
  createRedisClient,
  waitForRedis,
} from '../ratelimit/index.js';
import { apiKeys, openStore, rateLimitRules, type Store } from '../store/index.js';
import type { AppDeps } from './context.js';
import { ModelHolder } from './model-holder.js';

/** How often stored rate-limit rules are re-read, so a rule added on one replica (or by the CLI) reaches all. */
const RULE_REFRESH_MS = 30_000;

export interface Services {
  deps: AppDeps;
  /** Stops the refresh timer and closes the limiter (Redis) and the store. */
  close(): Promise<void>;
}

async function createLimiter(config: Config, log: Logger): Promise<RateLimiter | null> {
  if (!config.rateLimitEnabled) return null;
  // Each cluster worker keeps memory buckets of its own, so each enforces its share of every rule (see shareOf).
  if (config.rateLimitBackend === 'memory' || config.redisUrl === null) return new RateLimiter({ store: new MemoryRateLimitStore(), splitAcross: config.workers });
  const client = createRedisClient(config.redisUrl);
  if (!(await waitForRedis(client, 2000))) log.warn('Redis is not answering: rate limits run in memory until it does');
  const store = new FallbackRateLimitStore({
    client,
    memoryShare: config.workers,
    onStateChange: (s) => (s.degraded ? log.warn({ backend: s }, 'Redis unreachable: rate limits fall back to memory') : log.info('Redis is back: rate limits shared again')),
  });
  return new RateLimiter({ store });
}

/**
 * Opens what the service runs on, from the configuration: the store (migrated), the
 * API_SECRET_KEY bootstrap key, the rate limiter with its stored rules, and the model.
 */
export async function openServices(
  config: Config,
  options: {
    log: Logger;
    model?: ChurnModel;
    modelPath?: string;
    /** The file to start on instead of the configured one (a replacement worker joining a cluster that has reloaded another). */
    startModelPath?: string;
  },
): Promise<Services> {
  const { log } = options;
  const store: Store = await openStore({ url: config.databaseUrl });
  let limiter: RateLimiter | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    if (config.apiSecretKey !== null) await apiKeys.ensure(store, { key: config.apiSecretKey, name: 'bootstrap (API_SECRET_KEY)', role: 'admin' });
    limiter = await createLimiter(config, log);
    const models = new ModelHolder(options.modelPath ?? config.modelPath, options.model);
    if (!options.model) await models.load(options.startModelPath);
    if (limiter) {
      const live = limiter;
      live.loadRules(await rateLimitRules.list(store));
      timer = setInterval(() => {
        rateLimitRules.list(store).then((rules) => live.loadRules(rules), (e: unknown) => log.warn({ err: e }, 'could not re-read rate-limit rules'));
      }, RULE_REFRESH_MS);
      timer.unref();
    }
    return {
      deps: { config, store, models, limiter, logger: log },
      async close() {
        clearInterval(timer);
        await Promise.allSettled([limiter?.close(), store.close()]);
      },
    };
  } catch (e) {
    await Promise.allSettled([limiter?.close(), store.close()]);
    throw e;
  }
}
