import { ChurnError } from '../errors.js';
import type { TopFactor } from '../model/churn-model.js';
import { encodeRecord } from './encode.js';
import type { ServedModel } from './model-holder.js';
import type { CachedPrediction, PredictionCache } from './prediction-cache.js';

export type RiskLevel = 'low' | 'medium' | 'high';

/** The body of a POST /predict answer. */
export interface Prediction {
  prediction: 0 | 1;
  probability: number;
  risk_level: RiskLevel;
  top_factors: TopFactor[];
  model_version: string;
}

export interface PredictOptions {
  cache: PredictionCache;
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
export function predictOne(served: ServedModel, record: Record<string, unknown>, options: PredictOptions): { entry: CachedPrediction; cached: boolean } {
  const { model, row, out } = served;
  encodeRecord(served, record, row, 0, 'customer_data');
  const hit = options.cache.get(row);
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
  const entry: CachedPrediction = { body: Buffer.from(predictionJson(result)), prediction: result.prediction };
  options.cache.set(row, entry.body, entry.prediction);
  return { entry, cached: false };
}

function jsonNumber(x: number): string {
  if (Number.isFinite(x)) return `${x}`;
  if (Number.isNaN(x)) throw new ChurnError('NOT_A_NUMBER', 'a prediction held NaN', { kind: 'internal' });
  return 'null';
}

/**
 * The body of a POST /predict answer, written directly. The route's response schema
 * (predictionSchema) documents this shape, and a test holds this function to the output of the
 * schema's own serializer; the generic serializer checked each field's type on every call,
 * which showed in the profile of the serving path. Numbers are written as JSON.stringify
 * writes them, strings escaped by it.
 */
export function predictionJson(p: Prediction): string {
  let s = `{"prediction":${p.prediction},"probability":${jsonNumber(p.probability)},"risk_level":"${p.risk_level}","top_factors":[`;
  for (let i = 0; i < p.top_factors.length; i++) {
    const f = p.top_factors[i];
    const value = f.value === null ? 'null' : typeof f.value === 'number' ? jsonNumber(f.value) : JSON.stringify(f.value);
    s += `${i === 0 ? '' : ','}{"feature":${JSON.stringify(f.feature)},"value":${value},"contribution":${jsonNumber(f.contribution)}}`;
  }
  return `${s}],"model_version":${JSON.stringify(p.model_version)}}`;
}
