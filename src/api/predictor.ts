import type { TopFactor } from '../model/churn-model.js';
import { encodeRecord } from './encode.js';
import type { ServedModel } from './model-holder.js';
import type { PredictionCache } from './prediction-cache.js';

export type RiskLevel = 'low' | 'medium' | 'high';

/** The body of a POST /predict answer. */
export interface Prediction {
  prediction: 0 | 1;
  probability: number;
  risk_level: RiskLevel;
  top_factors: TopFactor[];
  model_version: string;
}

/**
 * A cache entry: the response body, serialized once, and the label for the metrics. Just two
 * fields: thousands of entries live in the old generation, and every object in them is work
 * for the garbage collector when they are replaced.
 */
export interface CachedPrediction {
  json: string;
  prediction: 0 | 1;
}

export interface PredictOptions {
  cache: PredictionCache<CachedPrediction>;
  riskMedium: number;
  riskHigh: number;
  topFactors: number;
}

export function riskLevel(p: number, medium: number, high: number): RiskLevel {
  if (p >= high) return 'high';
  return p >= medium ? 'medium' : 'low';
}

/**
 * Scores one record. The cache key is the encoded row, the canonical form of the record:
 * "12", 12 and " 12 " read the same, so they share an entry, and field order does not matter.
 * The explanation is the expensive part for tree models, which is what the cache saves; the
 * serialized body is kept too, so a hit costs neither the model nor the serializer.
 */
export function predictOne(served: ServedModel, record: Record<string, unknown>, options: PredictOptions, serialize: (p: Prediction) => string): { entry: CachedPrediction; cached: boolean } {
  const { model, row, out } = served;
  encodeRecord(served, record, row, 0, 'customer_data');
  // The row's bytes as text: an exact key, cheaper to build than formatting 19 numbers.
  const key = Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('latin1');
  const hit = options.cache.get(key);
  if (hit !== undefined) return { entry: hit, cached: true };
  model.predictProba(row, 1, out);
  const p = out[0];
  const result: Prediction = {
    prediction: p >= model.threshold ? 1 : 0,
    probability: p,
    risk_level: riskLevel(p, options.riskMedium, options.riskHigh),
    top_factors: model.explain(row, Math.min(options.topFactors, model.width)),
    model_version: model.version,
  };
  const entry: CachedPrediction = { json: serialize(result), prediction: result.prediction };
  options.cache.set(key, entry);
  return { entry, cached: false };
}
