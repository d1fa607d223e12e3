import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';

const require = createRequire(import.meta.url);

/**
 * ioredis is loaded on first use, not at import: loading it defines a String subclass, which
 * makes V8 drop its fast path for charCodeAt in the whole process (string scanning gets about
 * three times slower). Processes that never talk to Redis (the CLI, a server limiting in
 * memory) should not pay for that.
 */
function redisClass(): typeof Redis {
  return (require('ioredis') as typeof IORedis).Redis;
}

export interface RedisClientOptions {
  /** A command with no reply after this long fails (default 500 ms): a rate limiter must not stall requests. */
  commandTimeoutMs?: number;
  /** Give up on one connection attempt after this long (default 2000 ms). */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts (default 2000 ms). */
  maxReconnectDelayMs?: number;
  /** Called with connection errors; ioredis keeps reconnecting after each one. */
  onError?: (error: Error) => void;
}

/**
 * An ioredis client set up to fail fast instead of queueing: commands sent while
 * disconnected fail at once (no offline queue), a slow reply times out, and a command is not
 * retried on other connections. Reconnection goes on in the background, forever, with backoff.
 *
 * @example const client = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const RedisClient = redisClass();
  const client = new RedisClient(url, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
  });
  // Without a listener ioredis prints every failed reconnection; callers learn about
  // failures from the commands themselves or from the fallback store's status.
  client.on('error', options.onError ?? (() => undefined));
  return client;
}

/** Resolves true once the client is ready, false if it is not within `timeoutMs`. Never throws. */
export function waitForRedis(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.on('ready', onReady);
  });
}

/** Closes a client politely when connected, at once otherwise (quit would wait on a dead link). */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  client.disconnect();
}
