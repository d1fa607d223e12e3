import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { appendAudit } from '../audit/index.js';
import { SOLO } from './cluster/peers.js';
import type { AppContext, AppDeps } from './context.js';
import { formatSchemaErrors } from './http-errors.js';
import { createLogger, lazyChildLogger } from './logger.js';
import { AppMetrics } from './metrics.js';
import { PredictionCache } from './prediction-cache.js';
import { authPlugin } from './plugins/auth.js';
import { docsPlugin } from './plugins/docs.js';
import { errorsPlugin } from './plugins/errors.js';
import { metricsPlugin } from './plugins/metrics.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { securityPlugin } from './plugins/security.js';
import { adminRoutes } from './routes/admin.js';
import { batchRoutes } from './routes/batch.js';
import { modelRoutes } from './routes/model.js';
import { policyRoutes } from './routes/policies.js';
import { predictRoutes } from './routes/predict.js';
import { rootRoutes } from './routes/root.js';
import { securityRoutes } from './routes/security.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function makeContext(deps: AppDeps, app: FastifyInstance): AppContext {
  const cache = new PredictionCache(deps.config.predictionCacheSize);
  deps.models.onSwap(() => cache.clear());
  return {
    ...deps,
    metrics: new AppMetrics(),
    cache,
    startedAt: new Date(),
    version: deps.version ?? process.env.npm_package_version ?? '0.1.0',
    peers: deps.peers ?? SOLO,
    async audit(input) {
      try {
        await appendAudit(deps.store, input);
      } catch (error) {
        app.log.error({ err: error, event: input.event }, 'could not write the audit log');
      }
    },
  };
}

/**
 * The HTTP service, configured and ready, never listening: the caller decides that
 * (`churn serve`), and tests call `app.inject()`. Plugins come first, one per concern, in the
 * order a request meets them (request id, security headers, rate limit, auth); then the
 * routes, one plugin per area.
 *
 * @example
 * const app = await buildApp({ config, store, models, limiter });
 * const res = await app.inject({ method: 'GET', url: '/health' });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: (deps.logger ?? createLogger(config.logLevel)) as FastifyBaseLogger,
    // Errors are logged by the error handler; a line per successful request would cost more than the request.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    childLoggerFactory: lazyChildLogger,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    schemaErrorFormatter: formatSchemaErrors,
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    // Strict bodies: unknown fields are refused (not silently dropped) and types are not coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false, allowUnionTypes: true } },
  });
  // Nothing here takes plain text; without this a text/plain body would reach the schemas as a string.
  app.removeContentTypeParser('text/plain');
  const ctx = makeContext(deps, app);
  await app.register(errorsPlugin);
  await app.register(securityPlugin, { corsOrigins: config.corsOrigins });
  if (deps.limiter) await app.register(rateLimitPlugin, { limiter: deps.limiter, metrics: ctx.metrics });
  await app.register(authPlugin, { ctx });
  await app.register(metricsPlugin, { metrics: ctx.metrics });
  await app.register(docsPlugin, { version: ctx.version });
  await app.register(rootRoutes, { ctx });
  await app.register(predictRoutes, { ctx });
  await app.register(batchRoutes, { ctx });
  await app.register(modelRoutes, { ctx });
  await app.register(adminRoutes, { ctx });
  await app.register(policyRoutes, { ctx });
  await app.register(securityRoutes, { ctx });
  await app.ready();
  return app;
}
