import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The latest scan of each target, as the security gauges export it. */
export interface SecuritySnapshot {
  targets: {
    target: string;
    scannedAt: Date;
    gatePassed: boolean;
    /** Open findings of the scan by severity (accepted ones included). */
    counts: Record<string, number>;
    /** Findings past their due date and not accepted, as of the scrape. */
    overdue: number;
  }[];
}

type SecurityTarget = SecuritySnapshot['targets'][number];

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
  readonly securityFindings: Gauge<'severity' | 'target'>;
  readonly securityOverdue: Gauge<'target'>;
  readonly securityLastScan: Gauge<'target'>;
  readonly securityGatePassed: Gauge<'target'>;
  #securitySource: (() => Promise<SecuritySnapshot>) | null = null;
  /** The reading in flight: the four gauges of one scrape collect together and share it. */
  #securityReading: Promise<SecuritySnapshot | null> | null = null;
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
    // Read from the store at scrape time, so every replica exports the same values, whoever ran the
    // scan; for the same reason a cluster's workers are not added up but one worker's reading is shown.
    const read = () => this.#securitySnapshot();
    const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: (g: Gauge<L>, t: SecurityTarget) => void): Gauge<L> =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        aggregator: 'first',
        async collect() {
          const snap = await read();
          this.reset();
          for (const t of snap?.targets ?? []) fill(this, t);
        },
      });
    this.securityFindings = gauge('churn_security_findings', 'Open findings of the latest scan of each target, by severity (accepted risks included)', ['severity', 'target'], (g, t) => {
      for (const [severity, n] of Object.entries(t.counts)) g.set({ severity, target: t.target }, n);
    });
    this.securityOverdue = gauge('churn_security_findings_overdue', 'Findings of the latest scan of each target past their due date and not accepted', ['target'], (g, t) => g.set({ target: t.target }, t.overdue));
    this.securityLastScan = gauge('churn_security_last_scan_timestamp_seconds', 'When each target was last scanned (Unix time)', ['target'], (g, t) => g.set({ target: t.target }, t.scannedAt.getTime() / 1000));
    this.securityGatePassed = gauge('churn_security_gate_passed', 'Whether the latest scan of each target passed the security gate (1) or not (0)', ['target'], (g, t) => g.set({ target: t.target }, t.gatePassed ? 1 : 0));
    this.#churn = this.predictions.labels('churn');
    this.#stay = this.predictions.labels('stay');
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Where the security gauges read from (the security routes set it). A failing read leaves
   * the gauges empty for that scrape and is reported to `onError`; /metrics still answers.
   */
  watchSecurity(source: () => Promise<SecuritySnapshot>, onError: (error: unknown) => void = () => undefined): void {
    this.#securitySource = async () => {
      try {
        return await source();
      } catch (error) {
        onError(error);
        throw error;
      }
    };
    this.#securityReading = null;
  }

  #securitySnapshot(): Promise<SecuritySnapshot | null> {
    const source = this.#securitySource;
    if (source === null) return Promise.resolve(null);
    if (this.#securityReading === null) {
      this.#securityReading = source()
        .catch(() => null)
        .finally(() => {
          this.#securityReading = null;
        });
    }
    return this.#securityReading;
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
