import type { Logger } from 'pino';
import type { AuditInput } from '../audit/index.js';
import type { Config } from '../config/index.js';
import type { RateLimiter } from '../ratelimit/index.js';
import type { ApiKeyInfo, Store } from '../store/index.js';
import type { Peers } from './cluster/peers.js';
import type { AppMetrics } from './metrics.js';
import type { ModelHolder } from './model-holder.js';
import type { PredictionCache } from './prediction-cache.js';

/** What buildApp needs; the caller opens and closes all of it (the app never owns a connection). */
export interface AppDeps {
  config: Config;
  store: Store;
  models: ModelHolder;
  /** null when rate limiting is off (RATE_LIMIT_ENABLED=false). */
  limiter: RateLimiter | null;
  /** A pino logger; default: JSON to stdout at config.logLevel, with secrets redacted. */
  logger?: Logger;
  /** Application version shown at GET / (default: the package version). */
  version?: string;
  /** The other workers of a cluster (WORKERS > 1); default: none, a single process. */
  peers?: Peers;
}

/** Shared services the plugins and routes use, built once per app instance. */
export interface AppContext extends AppDeps {
  metrics: AppMetrics;
  cache: PredictionCache;
  startedAt: Date;
  version: string;
  peers: Peers;
  /** Appends to the audit log; a failure is logged, never turned into a failed request. */
  audit(input: AuditInput): Promise<void>;
}

/** Who may call a route: anyone, a predict-or-admin key (when REQUIRE_AUTH_FOR_PREDICT), or an admin key. */
export type RouteAccess = 'public' | 'predict' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** The rate-limit rule applied to the route (default: `default`). */
    rateRule?: string;
  }
  interface FastifyRequest {
    /** The API key that authenticated this request, when one did. */
    principal: ApiKeyInfo | null;
  }
}
