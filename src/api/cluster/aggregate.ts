import { AggregatorRegistry, type Aggregator, type Registry } from 'prom-client';
import type { RateLimiterStats } from '../../ratelimit/index.js';
import type { CacheStats } from '../prediction-cache.js';
import type { MetricsJson } from './messages.js';

/**
 * prom-client's default metrics whose own aggregator would be wrong for one service: the start
 * time is omitted by default (the earliest worker's start is the service's), and the fd limit is
 * the same for every worker (a sum would be meaningless). Our own metrics carry theirs.
 */
const DEFAULT_METRIC_AGGREGATORS: Record<string, Aggregator> = {
  process_start_time_seconds: 'min',
  process_max_fds: 'first',
};

/**
 * One registry for the whole service from every worker's `getMetricsAsJSON()`: counters and
 * histograms summed, gauges by their `aggregator` (put the asking worker's own first, so
 * `first` gauges show what it read).
 */
export function aggregateMetrics(perWorker: MetricsJson[]): Registry {
  const fixed = perWorker.map((metrics) => metrics.map((m) => (m.name in DEFAULT_METRIC_AGGREGATORS ? { ...m, aggregator: DEFAULT_METRIC_AGGREGATORS[m.name] } : m)));
  return AggregatorRegistry.aggregate(fixed);
}

/** The service's cache: every worker's counters added up; capacity is per worker times workers. */
export function sumCacheStats(perWorker: CacheStats[]): CacheStats & { workers: number } {
  const sum = { size: 0, capacity: 0, hits: 0, misses: 0, evictions: 0 };
  for (const s of perWorker) {
    sum.size += s.size;
    sum.capacity += s.capacity;
    sum.hits += s.hits;
    sum.misses += s.misses;
    sum.evictions += s.evictions;
  }
  const lookups = sum.hits + sum.misses;
  return { ...sum, hit_rate: lookups === 0 ? 0 : sum.hits / lookups, workers: perWorker.length };
}

/** The service's rate-limit counters: rules as the asking worker holds them, counts added up. */
export function sumRateLimitStats(own: RateLimiterStats, others: RateLimiterStats[]): RateLimiterStats {
  // A Map, not an object: rule names come from the API and could be `__proto__`.
  const rules = new Map(Object.entries(own.rules).map(([name, r]) => [name, { ...r }]));
  const totals = { ...own.totals };
  for (const s of others) {
    totals.allowed += s.totals.allowed;
    totals.blocked += s.totals.blocked;
    for (const [name, r] of Object.entries(s.rules)) {
      const mine = rules.get(name);
      // A rule this worker has not loaded yet (the 30 s refresh) still shows, as the other holds it.
      if (mine === undefined) rules.set(name, { ...r });
      else {
        mine.allowed += r.allowed;
        mine.blocked += r.blocked;
      }
    }
  }
  // A degraded backend anywhere is the service's state.
  const backend = [own.backend, ...others.map((s) => s.backend)].find((b) => b?.degraded) ?? own.backend;
  return { backend, totals, rules: Object.fromEntries(rules) };
}
