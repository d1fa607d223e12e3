import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The service's Prometheus metrics, in a registry of their own per app instance, so two apps
 * in one process (tests, benchmarks) never share or double-register counters.
 */
export class AppMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status_code'>;
  readonly latency: Histogram<'method' | 'route' | 'status_code'>;
  readonly predictions: Counter<'outcome'>;
  readonly rateLimitBlocks: Counter<'rule'>;
  readonly cacheHits: Counter;
  readonly cacheMisses: Counter;
  readonly authFailures: Counter<'reason'>;
  readonly modelReloads: Counter<'result'>;
  readonly #churn: { inc(n?: number): void };
  readonly #stay: { inc(n?: number): void };

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status_code'], registers });
    this.latency = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
    this.predictions = new Counter({ name: 'churn_predictions_total', help: 'Predictions by outcome (churn or stay)', labelNames: ['outcome'], registers });
    this.rateLimitBlocks = new Counter({ name: 'churn_rate_limit_blocks_total', help: 'Requests refused by the rate limiter, by rule', labelNames: ['rule'], registers });
    this.cacheHits = new Counter({ name: 'churn_prediction_cache_hits_total', help: 'Predictions answered from the cache', registers });
    this.cacheMisses = new Counter({ name: 'churn_prediction_cache_misses_total', help: 'Predictions computed by the model', registers });
    this.authFailures = new Counter({ name: 'churn_auth_failures_total', help: 'Refused requests: missing or invalid key (401), wrong role (403)', labelNames: ['reason'], registers });
    this.modelReloads = new Counter({ name: 'churn_model_reloads_total', help: 'Model reloads by result', labelNames: ['result'], registers });
    this.#churn = this.predictions.labels('churn');
    this.#stay = this.predictions.labels('stay');
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts predictions; batches count thousands at once. */
  countPredictions(churn: number, stay: number): void {
    if (churn > 0) this.#churn.inc(churn);
    if (stay > 0) this.#stay.inc(stay);
  }

  /** Counts one prediction (the hot path: label children are looked up once, not per call). */
  countPrediction(label: 0 | 1): void {
    if (label === 1) this.#churn.inc();
    else this.#stay.inc();
  }
}
