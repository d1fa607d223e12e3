import type { FastifyInstance } from 'fastify';
import type { AppMetrics } from '../metrics.js';
import { globalPlugin } from './global.js';

type Children = { count: { inc(): void }; time: { observe(v: number): void } };

/**
 * Counts every response and its latency by method, route pattern (never the raw URL: ids in
 * paths would make unbounded label sets) and status. Label children are looked up once per
 * route and status, keyed by the route's own config object, instead of hashing labels (or
 * building a key string) on every request.
 */
export const metricsPlugin = globalPlugin('churn-metrics', async (app: FastifyInstance, options: { metrics: AppMetrics }) => {
  const { metrics } = options;
  // Route config -> method -> status. The method level is for the 404 handler, whose one config serves every method.
  const byRoute = new WeakMap<object, Map<string, Map<number, Children>>>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions;
    let byMethod = byRoute.get(route.config);
    if (byMethod === undefined) byRoute.set(route.config, (byMethod = new Map()));
    let byStatus = byMethod.get(request.method);
    if (byStatus === undefined) byMethod.set(request.method, (byStatus = new Map()));
    const status = reply.statusCode;
    let child = byStatus.get(status);
    if (child === undefined) {
      const labels = [request.method, route.url ?? 'unmatched', String(status)];
      child = { count: metrics.requests.labels(...labels), time: metrics.latency.labels(...labels) };
      byStatus.set(status, child);
    }
    child.count.inc();
    child.time.observe(reply.elapsedTime / 1000);
    done();
  });
});
