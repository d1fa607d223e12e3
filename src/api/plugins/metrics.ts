import type { FastifyInstance } from 'fastify';
import type { AppMetrics } from '../metrics.js';
import { globalPlugin } from './global.js';

/**
 * Counts every response and its latency by method, route pattern (never the raw URL: ids in
 * paths would make unbounded label sets) and status. Label children are looked up once per
 * combination instead of hashing labels on every request.
 */
export const metricsPlugin = globalPlugin('churn-metrics', async (app: FastifyInstance, options: { metrics: AppMetrics }) => {
  const { metrics } = options;
  const children = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = children.get(key);
    if (child === undefined) {
      const labels = [request.method, route, String(reply.statusCode)];
      child = { count: metrics.requests.labels(...labels), time: metrics.latency.labels(...labels) };
      children.set(key, child);
    }
    child.count.inc();
    child.time.observe(reply.elapsedTime / 1000);
    done();
  });
});
