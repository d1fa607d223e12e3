import type { FastifyInstance } from 'fastify';
import { aggregateMetrics } from '../cluster/aggregate.js';
import { answered } from '../cluster/peers.js';
import type { AppContext } from '../context.js';
import { detailedHealth } from '../health.js';
import { httpError } from '../http-errors.js';

const statusOk = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } as const;
const component = (extra: Record<string, unknown> = {}) => ({ type: 'object', properties: { status: { type: 'string' }, ...extra } }) as const;

const detailedSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'down'] },
    version: { type: 'string' },
    uptime_seconds: { type: 'number' },
    model: component({ version: { type: ['string', 'null'] }, loaded_at: { type: ['string', 'null'] } }),
    store: component({ dialect: { type: 'string' }, latency_ms: { type: ['number', 'null'] }, error: { type: 'string' } }),
    redis: component({ backend: { type: 'string' }, degraded: { type: 'boolean' }, last_error: { type: 'string' } }),
    rate_limit: { type: 'object', properties: { enabled: { type: 'boolean' }, backend: { type: ['string', 'null'] } } },
    memory: { type: 'object', properties: { rss_bytes: { type: 'number' }, heap_used_bytes: { type: 'number' }, heap_total_bytes: { type: 'number' } } },
    workers: { type: 'integer', description: 'Worker processes serving (WORKERS)' },
    worker_id: { type: ['integer', 'null'], description: 'The worker that answered (null: a single process)' },
  },
} as const;

/** Service identity, liveness, readiness, dependency health and Prometheus metrics. */
export async function rootRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const health = { rateRule: 'health' };
  ctx.peers.answer('metrics', () => ctx.metrics.registry.getMetricsAsJSON());
  app.get('/', {
    config: health,
    schema: {
      summary: 'Service name, version and links',
      tags: ['meta'],
      response: {
        200: {
          type: 'object',
          properties: { name: { type: 'string' }, version: { type: 'string' }, model_version: { type: ['string', 'null'] }, links: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    },
  }, async () => ({
    name: 'churn-predictor',
    version: ctx.version,
    model_version: ctx.models.current?.model.version ?? null,
    links: { docs: '/docs', openapi: '/openapi.json', health: '/health', ready: '/ready', metrics: '/metrics', predict: '/predict', model: '/model' },
  }));

  app.get('/health', { config: health, schema: { summary: 'Liveness: the process answers', tags: ['meta'], response: { 200: statusOk } } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: health, schema: { summary: 'Readiness: a model is loaded and the store answers (503 otherwise)', tags: ['meta'], response: { 200: statusOk } } }, async () => {
    if (!ctx.models.current) throw httpError('MODEL_NOT_READY', 'no model is loaded yet');
    await ctx.store.ping();
    return { status: 'ready' };
  });

  app.get('/health/detailed', { config: health, schema: { summary: 'Model, store, Redis, uptime and memory, each with its status', tags: ['meta'], response: { 200: detailedSchema } } }, async () => detailedHealth(ctx));

  app.get('/metrics', { config: { rateRule: 'metrics' }, schema: { summary: 'Prometheus metrics (text format)', tags: ['meta'], produces: ['text/plain'], response: { 200: { type: 'string' } } } }, async (_request, reply) => {
    if (ctx.peers.size === 1) {
      reply.header('content-type', ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    }
    // One service, one set of series: every worker's metrics, gathered and added up here.
    const [own, others] = await Promise.all([ctx.metrics.registry.getMetricsAsJSON(), ctx.peers.ask('metrics', null)]);
    const registry = aggregateMetrics([own, ...answered(others)]);
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
