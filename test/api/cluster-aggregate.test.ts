import { describe, expect, it } from 'vitest';
import { aggregateMetrics, sumCacheStats, sumRateLimitStats } from '../../src/api/cluster/aggregate.js';
import { AppMetrics } from '../../src/api/metrics.js';

describe('aggregateMetrics', () => {
  it('adds up counters and histograms, and shows store-read gauges and the start time once', async () => {
    const snapshot = { targets: [{ target: 'img:1', scannedAt: new Date(1_700_000_000_000), gatePassed: false, counts: { HIGH: 3 }, overdue: 2 }] };
    const workers = [new AppMetrics(), new AppMetrics()];
    for (const [i, m] of workers.entries()) {
      m.watchSecurity(async () => snapshot);
      m.requests.inc({ method: 'POST', route: '/predict', status_code: '200' }, 10 + i);
      m.latency.observe({ method: 'POST', route: '/predict', status_code: '200' }, 0.002);
    }
    const text = await aggregateMetrics(await Promise.all(workers.map((m) => m.registry.getMetricsAsJSON()))).metrics();
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/predict",status_code="200"\} 21$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/predict",status_code="200"\} 2$/m);
    expect(text).toMatch(/^churn_security_findings\{severity="HIGH",target="img:1"\} 3$/m);
    expect(text).toMatch(/^churn_security_findings_overdue\{target="img:1"\} 2$/m);
    expect(text).toMatch(/^churn_security_gate_passed\{target="img:1"\} 0$/m);
    expect(text).toMatch(/^churn_security_last_scan_timestamp_seconds\{target="img:1"\} 1700000000$/m);
    expect(text.match(/^process_start_time_seconds \d+/gm)).toHaveLength(1);
  });
});

describe('sumCacheStats and sumRateLimitStats', () => {
  it("add up every worker's counters", () => {
    const stats = (size: number, hits: number, misses: number) => ({ size, capacity: 100, hits, misses, evictions: 1, hit_rate: 0 });
    expect(sumCacheStats([stats(2, 3, 1), stats(4, 1, 3)])).toEqual({ size: 6, capacity: 200, hits: 4, misses: 4, evictions: 2, hit_rate: 0.5, workers: 2 });
    const rule = { requests: 10, windowSeconds: 60, burst: 10 };
    const own = { backend: { backend: 'memory' as const, degraded: false }, totals: { allowed: 5, blocked: 1 }, rules: { predict: { ...rule, allowed: 5, blocked: 1 } } };
    const other = { backend: { backend: 'memory' as const, degraded: false }, totals: { allowed: 4, blocked: 2 }, rules: { predict: { ...rule, allowed: 3, blocked: 2 }, admin: { ...rule, allowed: 1, blocked: 0 } } };
    const sum = sumRateLimitStats(own, [other]);
    expect(sum.totals).toEqual({ allowed: 9, blocked: 3 });
    expect(sum.rules.predict).toEqual({ ...rule, allowed: 8, blocked: 3 });
    // A rule only the other worker has loaded yet still shows.
    expect(sum.rules.admin).toEqual({ ...rule, allowed: 1, blocked: 0 });
  });
});
