import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/api/model-holder.js';
import { PredictionCache } from '../../src/api/prediction-cache.js';
import { predictionJson, predictOne, type Prediction } from '../../src/api/predictor.js';
import { predictionSchema } from '../../src/api/schemas.js';
import { sampleCustomers, testModel } from '../support/model.js';

/** The route's response schema, through Fastify's own serializer: what predictionJson must match. */
const schemaApp = Fastify();
let next: Prediction | null = null;
schemaApp.post('/', { schema: { response: { 200: predictionSchema } } }, async () => next);
afterAll(() => schemaApp.close());
async function bySchema(p: Prediction): Promise<string> {
  next = p;
  return (await schemaApp.inject({ method: 'POST', url: '/' })).body;
}

describe('predictionJson', () => {
  it('writes what the response schema writes, byte for byte, for real predictions', async () => {
    const served = serve((await testModel('gbdt')).model, 'test');
    const options = { cache: new PredictionCache(0), riskMedium: 0.3, riskHigh: 0.7, topFactors: 5 };
    for (const record of sampleCustomers(200, 5)) {
      const p: Prediction = JSON.parse(predictOne(served, record, options).entry.body.toString('utf8')) as Prediction;
      expect(predictionJson(p)).toBe(await bySchema(p));
    }
  });

  it('escapes names and values, writes odd numbers as JSON does, and refuses NaN', async () => {
    const p: Prediction = {
      prediction: 1,
      probability: 1e-7,
      risk_level: 'high',
      top_factors: [
        { feature: 'quote " back \\ tab \t nl \n', value: 'é ☃ \u0001 "x"', contribution: -0.5 },
        { feature: 'big', value: 1.5e300, contribution: Infinity },
        { feature: 'none', value: null, contribution: 123456789.125 },
      ],
      model_version: 'abc',
    };
    const json = predictionJson(p);
    expect(JSON.parse(json)).toEqual(JSON.parse(await bySchema(p)));
    expect(JSON.parse(json)).toEqual({ ...p, top_factors: p.top_factors.map((f) => ({ ...f, contribution: Number.isFinite(f.contribution) ? f.contribution : null })) });
    expect(() => predictionJson({ ...p, probability: Number.NaN })).toThrow(/NaN/);
  });
});
