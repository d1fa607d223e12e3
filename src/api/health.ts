import type { AppContext } from './context.js';

type Status = 'ok' | 'degraded' | 'down';

export interface DetailedHealth {
  status: Status;
  version: string;
  uptime_seconds: number;
  model: { status: Status; version: string | null; loaded_at: string | null };
  store: { status: Status; dialect: string; latency_ms: number | null; error?: string };
  redis: { status: Status | 'not_configured'; backend: string; degraded: boolean; last_error?: string };
  rate_limit: { enabled: boolean; backend: string | null };
  memory: { rss_bytes: number; heap_used_bytes: number; heap_total_bytes: number };
  /** Worker processes serving, and which one answered (null: a single process). */
  workers: number;
  worker_id: number | null;
}

async function storeHealth(ctx: AppContext): Promise<DetailedHealth['store']> {
  const started = performance.now();
  try {
    await ctx.store.ping();
    return { status: 'ok', dialect: ctx.store.dialect, latency_ms: Math.round((performance.now() - started) * 1000) / 1000 };
  } catch {
    return { status: 'down', dialect: ctx.store.dialect, latency_ms: null, error: 'the database did not answer' };
  }
}

function redisHealth(ctx: AppContext): DetailedHealth['redis'] {
  const backend = ctx.limiter?.stats().backend;
  if (ctx.config.rateLimitBackend !== 'redis' || !backend) return { status: 'not_configured', backend: backend?.backend ?? 'none', degraded: false };
  // Running on the memory fallback means Redis is unreachable; the service still serves.
  const status = backend.backend === 'redis' && !backend.degraded ? 'ok' : 'down';
  return { status, backend: backend.backend, degraded: backend.degraded, ...(backend.lastError ? { last_error: backend.lastError.slice(0, 200) } : {}) };
}

/** Each dependency with its own status; the whole is `down` without a model or store, `degraded` on the Redis fallback. */
export async function detailedHealth(ctx: AppContext): Promise<DetailedHealth> {
  const served = ctx.models.current;
  const store = await storeHealth(ctx);
  const redis = redisHealth(ctx);
  const mem = process.memoryUsage();
  const modelStatus: Status = served ? 'ok' : 'down';
  const status: Status = modelStatus === 'down' || store.status === 'down' ? 'down' : redis.status === 'down' ? 'degraded' : 'ok';
  return {
    status,
    version: ctx.version,
    uptime_seconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
    model: { status: modelStatus, version: served?.model.version ?? null, loaded_at: served?.loadedAt.toISOString() ?? null },
    store,
    redis,
    rate_limit: { enabled: ctx.limiter !== null, backend: ctx.limiter?.stats().backend?.backend ?? (ctx.limiter ? 'memory' : null) },
    memory: { rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed, heap_total_bytes: mem.heapTotal },
    workers: ctx.peers.size,
    worker_id: ctx.peers.workerId,
  };
}
