import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppMetrics } from '../../src/api/metrics.js';
import { tempDir } from '../support/tmp.js';
import { ROOT, at, isObj, list, parseYamlFile, read, type Obj } from './files.js';

/** Runs the real promtool; resolves with its exit code and output. */
function promtool(args: string[], cwd = ROOT): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile('promtool', args, { cwd }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(new Error(`promtool could not run (apt-get install prometheus): ${err.message}`));
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, output: `${stdout}${stderr}` });
    });
  });
}

const rules = (parseYamlFile('deploy/prometheus/alerts.yml')[0] as Obj).groups as Obj[];
const alerts = rules.flatMap((g) => list(g.rules).filter(isObj));

describe('the Prometheus files', () => {
  it.each(['deploy/prometheus/prometheus.yml', 'deploy/prometheus/prometheus-kubernetes.yml'])('pass promtool check config: %s', async (file) => {
    const r = await promtool(['check', 'config', file]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code, r.output).toBe(0);
  });

  it('pass promtool check rules', async () => {
    const r = await promtool(['check', 'rules', 'deploy/prometheus/alerts.yml']);
    expect(r.output).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(r.code, r.output).toBe(0);
  });

  it("pass the rules' unit tests (promtool test rules): each alert fires on its trigger and stays quiet when healthy", async () => {
    const r = await promtool(['test', 'rules', 'deploy/prometheus/alerts.test.yml']);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });

  it('are checked for real: promtool rejects a rule whose expression does not parse', async () => {
    const tmp = tempDir();
    copyFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), tmp.path('alerts.yml'));
    tmp.file('broken.yml', read('deploy/prometheus/alerts.yml').replace('> 0.05', '> > 0.05'));
    const good = await promtool(['check', 'rules', tmp.path('alerts.yml')]);
    const bad = await promtool(['check', 'rules', tmp.path('broken.yml')]);
    expect(good.code).toBe(0);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/FAILED|error/i);
  });

  it('alert on error rate, latency, auth failures, rate-limit blocks, memory, CPU and failed, overdue or stale scans', () => {
    const names = alerts.map((a) => String(a.alert));
    for (const n of ['ChurnHighErrorRate', 'ChurnHighPredictLatencyP99', 'ChurnAuthFailuresSpike', 'ChurnRateLimitBlocking', 'ChurnHighMemory', 'ChurnHighCpu', 'ChurnSecurityScanFailed', 'ChurnSecurityFindingsOverdue', 'ChurnSecurityScanStale']) {
      expect(names).toContain(n);
    }
    for (const a of alerts) {
      expect(at(a, 'labels.severity'), String(a.alert)).toMatch(/^(critical|warning)$/);
      expect(at(a, 'annotations.summary'), String(a.alert)).toEqual(expect.any(String));
    }
  });

  it('use only metrics the service exports (an alert on a misspelt metric never fires)', async () => {
    const metrics = new AppMetrics();
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    const used = new Set<string>();
    for (const a of alerts) {
      // Metric names are the identifiers followed by a label matcher.
      for (const m of String(a.expr).matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(5);
    const unknown = [...used].filter((name) => name !== 'up' && !exported.has(name.replace(/_(bucket|sum|count)$/, '')));
    expect(unknown).toEqual([]);
  });

  it('scrape the API on port 8000 in both the Compose and the Kubernetes configuration', () => {
    const composeCfg = parseYamlFile('deploy/prometheus/prometheus.yml')[0];
    const k8sCfg = parseYamlFile('deploy/prometheus/prometheus-kubernetes.yml')[0];
    const job = (cfg: unknown) => list(at(cfg, 'scrape_configs')).find((j) => at(j, 'job_name') === 'churn-api');
    expect(at(job(composeCfg), 'static_configs.0.targets')).toEqual(['api:8000']);
    expect(at(job(k8sCfg), 'dns_sd_configs.0.port')).toBe(8000);
    // The headless Service the DNS names must exist in the manifests.
    const name = String(at(job(k8sCfg), 'dns_sd_configs.0.names.0')).split('.')[0];
    const services = parseYamlFile('deploy/k8s/service.yaml').map((s) => at(s, 'metadata.name'));
    expect(services).toContain(name);
    for (const cfg of [composeCfg, k8sCfg]) expect(at(cfg, 'rule_files')).toEqual(['alerts.yml']);
  });
});
