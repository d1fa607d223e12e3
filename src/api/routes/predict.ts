import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { httpError } from '../http-errors.js';
import type { ServedModel } from '../model-holder.js';
import { predictOne, type PredictOptions } from '../predictor.js';
import { checkRecord } from '../record-check.js';
import { customerSchema, predictionSchema, problemSchema } from '../schemas.js';

interface PredictBody {
  customer_data: Record<string, unknown>;
}
interface ValidateBody {
  customer_data?: Record<string, unknown>;
  customers?: Record<string, unknown>[];
}

const TOP_FACTORS = 5;

export function currentModel(ctx: AppContext): ServedModel {
  const served = ctx.models.current;
  if (!served) throw httpError('MODEL_NOT_READY', 'no model is loaded yet');
  return served;
}

/** Single predictions and record validation. */
export async function predictRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const options: PredictOptions = { cache: ctx.cache, riskMedium: ctx.config.riskMedium, riskHigh: ctx.config.riskHigh, topFactors: TOP_FACTORS };
  const access = { access: 'predict', rateRule: 'predict' } as const;

  app.post<{ Body: PredictBody }>('/predict', {
    config: access,
    schema: {
      summary: 'Churn probability, label, risk level and the top factors for one customer',
      tags: ['predictions'],
      security: [{ bearer: [] }],
      body: { type: 'object', properties: { customer_data: customerSchema }, required: ['customer_data'], additionalProperties: false },
      response: { 200: predictionSchema },
    },
  }, async (request, reply) => {
    // The body comes serialized (predictionJson, held to predictionSchema by a test), once per distinct record.
    const { entry, cached } = predictOne(currentModel(ctx), request.body.customer_data, options);
    if (cached) ctx.metrics.cacheHits.inc();
    else ctx.metrics.cacheMisses.inc();
    ctx.metrics.countPrediction(entry.prediction);
    reply.header('content-type', 'application/json; charset=utf-8');
    return entry.body;
  });

  app.post<{ Body: ValidateBody }>('/validate', {
    config: access,
    schema: {
      summary: "Checks records against the model's schema and lists every problem, without predicting",
      tags: ['predictions'],
      security: [{ bearer: [] }],
      body: {
        type: 'object',
        description: 'Either one record (`customer_data`) or several (`customers`).',
        properties: { customer_data: customerSchema, customers: { type: 'array', items: customerSchema, maxItems: 10_000 } },
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
      },
      response: {
        200: { type: 'object', properties: { valid: { type: 'boolean' }, count: { type: 'integer' }, problems: { type: 'array', items: problemSchema } }, required: ['valid', 'count', 'problems'] },
      },
    },
  }, async (request) => {
    const served = currentModel(ctx);
    const { customer_data: one, customers } = request.body;
    const records = customers ?? [one as Record<string, unknown>];
    const problems = records.flatMap((record, i) =>
      checkRecord(served, record, customers ? `customers[${i}]` : 'customer_data').map((p) => ({ index: customers ? i : null, ...p })),
    );
    return { valid: problems.length === 0, count: records.length, problems };
  });
}
