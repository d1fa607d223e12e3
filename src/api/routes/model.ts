import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isChurnError } from '../../errors.js';
import { sumCacheStats } from '../cluster/aggregate.js';
import { answered } from '../cluster/peers.js';
import type { AppContext } from '../context.js';
import { httpError } from '../http-errors.js';
import { currentModel } from './predict.js';

const cacheStats = {
  type: 'object',
  properties: {
    size: { type: 'integer' },
    capacity: { type: 'integer' },
    hits: { type: 'integer' },
    misses: { type: 'integer' },
    evictions: { type: 'integer' },
    hit_rate: { type: 'number' },
    workers: { type: 'integer', description: 'Workers whose caches are counted (each has its own)' },
  },
} as const;

/** Other workers may take a while to read a large model file. */
const RELOAD_TIMEOUT_MS = 30_000;
/** A reload waits this long for one running on another worker (which may itself wait RELOAD_TIMEOUT_MS). */
const RELOAD_LOCK_WAIT_MS = 60_000;

const modelCard = {
  type: 'object',
  properties: {
    model_version: { type: 'string' },
    model_type: { type: 'string' },
    created_at: { type: 'string' },
    threshold: { type: 'object', properties: { value: { type: 'number' }, criterion: { type: 'string' } } },
    metrics: { type: 'object', additionalProperties: true },
    schema: {
      type: 'object',
      properties: {
        target: { type: 'string' },
        positive: { type: 'string' },
        id: { type: ['string', 'null'] },
        features: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, kind: { type: 'string' }, levels: { type: 'array', items: { type: 'string' } } } } },
      },
    },
    training: {
      type: 'object',
      properties: { data_sha256: { type: 'string' }, rows: { type: 'integer' }, train_rows: { type: 'integer' }, test_rows: { type: 'integer' }, seconds: { type: 'number' } },
    },
    hyperparameters: { type: 'object', additionalProperties: true },
    loaded_at: { type: 'string' },
  },
} as const;

/** A reload may only name files next to the configured model: an admin key is not a licence to read the disk. */
function reloadPath(ctx: AppContext, asked: string | undefined): string {
  if (asked === undefined) return ctx.models.defaultPath;
  const dir = dirname(ctx.models.defaultPath);
  const full = resolve(dir, asked);
  const rel = relative(dir, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || !full.endsWith('.json')) {
    throw httpError('BAD_PATH', 'path must name a .json model file in the folder of the configured model');
  }
  return full;
}

/** The model card, hot reload, and the prediction cache. */
export async function modelRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  ctx.peers.answer('model.reload', async ({ path, version }) => {
    const { current } = await ctx.models.load(path, { expectVersion: version });
    app.log.info({ path, version }, 'model reloaded after another worker did');
    return { version: current.model.version };
  });
  ctx.peers.answer('cache.clear', () => ({ cleared: ctx.cache.clear() }));
  ctx.peers.answer('cache.stats', () => ctx.cache.stats());

  app.get('/model', { schema: { summary: 'The model card: metrics, schema, threshold, creation time, training data hash', tags: ['model'], response: { 200: modelCard } } }, async () => {
    const served = currentModel(ctx);
    const a = served.model.artifact;
    return {
      model_version: served.model.version,
      model_type: a.model.type,
      created_at: a.createdAt,
      threshold: a.threshold,
      metrics: a.metrics.test ?? {},
      schema: { target: a.schema.target, positive: a.schema.positive, id: a.schema.id, features: served.model.encoder.features },
      training: { data_sha256: a.training.dataSha256, rows: a.training.rows, train_rows: a.training.trainRows, test_rows: a.training.testRows, seconds: a.training.seconds },
      hyperparameters: a.hyperparameters,
      loaded_at: served.loadedAt.toISOString(),
    };
  });

  app.post<{ Body: { path?: string } | undefined }>('/admin/model/reload', {
    config: { access: 'admin', rateRule: 'admin' },
    schema: {
      summary: 'Loads the model file again (or another one beside it), checks it fully, then swaps it in; a bad file is refused and the old model keeps serving',
      tags: ['admin'],
      security: [{ bearer: [] }],
      body: { type: ['object', 'null'], properties: { path: { type: 'string', minLength: 1, maxLength: 500 } }, additionalProperties: false },
      response: {
        200: {
          type: 'object',
          properties: {
            status: { type: 'string', description: '`reloaded`, or `partial` when some worker could not follow (see its log)' },
            model_version: { type: 'string' },
            previous_version: { type: ['string', 'null'] },
            workers: { type: 'integer', description: 'Workers now serving this model' },
            workers_total: { type: 'integer' },
          },
        },
      },
    },
  }, async (request) => {
    const asked = request.body?.path ?? undefined;
    const actor = `key:${request.principal?.id ?? '?'}`;
    let path = asked ?? ctx.models.defaultPath;
    try {
      const file = (path = reloadPath(ctx, asked));
      // One reload at a time across the workers: two running at once could leave them on different models.
      const { previous, current, others } = await ctx.peers.exclusive('model.reload', RELOAD_LOCK_WAIT_MS, async () => {
        const loaded = await ctx.models.load(file);
        // Only a model this worker has loaded and checked is passed on: a bad file stops here, everywhere.
        return { ...loaded, others: await ctx.peers.ask('model.reload', { path: file, version: loaded.current.model.version }, RELOAD_TIMEOUT_MS) };
      });
      ctx.metrics.modelReloads.inc({ result: 'ok' });
      const workers = 1 + answered(others).length;
      if (workers < ctx.peers.size) request.log.error({ failed: others.filter((a) => !a.ok) }, 'some workers could not follow the model reload and serve the previous model');
      await ctx.audit({ event: 'model.reloaded', actor, detail: { path, version: current.model.version, previous: previous?.model.version ?? null, workers, workersTotal: ctx.peers.size } });
      return { status: workers < ctx.peers.size ? 'partial' : 'reloaded', model_version: current.model.version, previous_version: previous?.model.version ?? null, workers, workers_total: ctx.peers.size };
    } catch (e) {
      ctx.metrics.modelReloads.inc({ result: 'refused' });
      await ctx.audit({ event: 'model.reload_failed', actor, detail: { path, code: isChurnError(e) ? e.code : 'INTERNAL', still_serving: ctx.models.current?.model.version ?? null } });
      throw e;
    }
  });

  app.get('/cache/stats', { schema: { summary: 'Prediction cache counters (of every worker, added up)', tags: ['model'], response: { 200: cacheStats } } }, async () => {
    return sumCacheStats([ctx.cache.stats(), ...answered(await ctx.peers.ask('cache.stats', null))]);
  });

  app.post('/cache/clear', {
    config: { access: 'admin', rateRule: 'admin' },
    schema: {
      summary: "Empties the prediction cache (every worker's)",
      tags: ['admin'],
      security: [{ bearer: [] }],
      response: { 200: { type: 'object', properties: { cleared: { type: 'integer' }, workers: { type: 'integer' } } } },
    },
  }, async (request) => {
    const own = ctx.cache.clear();
    const others = await ctx.peers.ask('cache.clear', null);
    if (answered(others).length < others.length) request.log.error({ failed: others.filter((a) => !a.ok) }, 'some workers could not clear their cache');
    return { cleared: own + answered(others).reduce((n, a) => n + a.cleared, 0), workers: 1 + answered(others).length };
  });
}
