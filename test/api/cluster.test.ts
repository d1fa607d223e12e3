import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveArtifact, sealArtifact } from '../../src/model/artifact.js';
import { openStore, rateLimitRules } from '../../src/store/index.js';
import { eventually, freePort } from '../ratelimit/redis-helpers.js';
import { sampleCustomers, testModel } from '../support/model.js';
import { tempDir } from '../support/tmp.js';

const ENTRY = fileURLToPath(new URL('./fixtures/churn.ts', import.meta.url));
const ADMIN_KEY = 'cluster-test-admin-key-0123456789';
const CACHE_SIZE = 100;
const tmp = tempDir('churn-cluster-');
const record = sampleCustomers(1)[0];
const started: ChildProcess[] = [];
// Whatever a failed or skipped test left running (a primary's workers end with it).
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One request on a connection of its own (`Connection: close`), so the cluster may hand it to any worker. */
function call(base: string, path: string, init: { method?: string; body?: unknown; admin?: boolean } = {}): Promise<Reply> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  const headers: Record<string, string> = { connection: 'close' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (init.admin) headers.authorization = `Bearer ${ADMIN_KEY}`;
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: init.method ?? 'GET', headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = <T>(r: Reply): T => JSON.parse(r.text) as T;

interface Health {
  workers: number;
  worker_id: number | null;
  model: { version: string };
}

/** The workers of the primary `pid`: its children running the CLI (tsx has an esbuild child too). */
function workersOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
        return ppid === pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(ENTRY) ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Asks /health/detailed over fresh connections until every worker in `want` has answered; returns each one's answer. */
async function byWorker(base: string, want: (seen: Map<number, Health>) => boolean, tries = 40): Promise<Map<number, Health>> {
  const seen = new Map<number, Health>();
  for (let i = 0; i < tries && !want(seen); i++) {
    const r = await call(base, '/health/detailed');
    if (r.status !== 200) continue;
    const h = json<Health>(r);
    seen.set(h.worker_id as number, h);
  }
  return seen;
}

interface Cluster {
  child: ChildProcess;
  base: string;
  dir: string;
  out: () => string;
  exit: Promise<number | null>;
}

/** `churn serve` from source with WORKERS=2 on its own store, rules and model file; waits until both workers listen. */
async function startCluster(name: string): Promise<Cluster> {
  const m = await testModel();
  const dir = tmp.path(name);
  const db = `sqlite:${join(dir, 'churn.db')}`;
  const store = await openStore({ url: db });
  // High limits for everything the tests do not limit on purpose (each worker gets half).
  for (const key of ['predict', 'health', 'admin', 'metrics']) await rateLimitRules.upsert(store, { key, requests: 100_000, windowSeconds: 60 });
  await store.close();
  await saveArtifact(join(dir, 'model.json'), m.model.artifact);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--host', '127.0.0.1', '--port', String(port), '--model', join(dir, 'model.json')], {
    env: { ...process.env, WORKERS: '2', DATA_DIR: dir, DATABASE_URL: db, API_SECRET_KEY: ADMIN_KEY, RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_BACKEND: 'memory', PREDICTION_CACHE_SIZE: String(CACHE_SIZE), LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  started.push(child);
  if (!(await eventually(() => out.includes('all workers listening') || child.exitCode !== null, 30_000, 50)) || child.exitCode !== null) throw new Error(`cluster did not start:\n${out}`);
  return { child, base: `http://127.0.0.1:${port}`, dir, out: () => out, exit };
}

describe('churn serve with WORKERS=2', () => {
  let c: Cluster;
  let crashing: Cluster;
  /** The model version every worker serves after the reload test. */
  let reloaded: string;
  beforeAll(async () => {
    [c, crashing] = await Promise.all([startCluster('main'), startCluster('crashing')]);
  });

  it('answers predictions, and connections reach both workers', async () => {
    const r = await call(c.base, '/predict', { method: 'POST', body: { customer_data: record } });
    expect(r.status, r.text).toBe(200);
    expect(json<{ model_version: string }>(r).model_version).toBe((await testModel()).model.version);
    const seen = await byWorker(c.base, (s) => s.size >= 2);
    expect([...seen.keys()].sort()).toEqual([1, 2]);
    for (const h of seen.values()) expect(h.workers).toBe(2);
    // Every worker's log lines say which worker wrote them.
    expect(c.out()).toMatch(/"worker":1,.*"msg":"Server listening/);
    expect(c.out()).toMatch(/"worker":2,.*"msg":"Server listening/);
  });

  it('GET /metrics counts the requests of every worker', async () => {
    for (let i = 0; i < 20; i++) expect((await call(c.base, '/predict', { method: 'POST', body: { customer_data: record } })).status).toBe(200);
    const text = (await call(c.base, '/metrics')).text;
    const count = /^http_requests_total\{method="POST",route="\/predict",status_code="200"\} (\d+)$/m.exec(text);
    // One worker saw about half of them: only the sum of both reaches 20.
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(20);
    // Gauges that must not be added up are there once, not summed or dropped.
    expect(text.match(/^process_start_time_seconds \d/gm)).toHaveLength(1);
    expect(text).toMatch(/^nodejs_version_info\{[^}]*\} 1$/m);
  });

  it("GET /cache/stats adds up both workers' caches; POST /cache/clear empties both", async () => {
    const filled = await eventually(async () => {
      await call(c.base, '/predict', { method: 'POST', body: { customer_data: record } });
      return json<{ size: number }>(await call(c.base, '/cache/stats')).size === 2;
    }, 10_000, 0);
    expect(filled).toBe(true);
    const stats = json<{ size: number; capacity: number; workers: number; hits: number }>(await call(c.base, '/cache/stats'));
    expect(stats).toMatchObject({ size: 2, capacity: 2 * CACHE_SIZE, workers: 2 });
    expect(stats.hits).toBeGreaterThanOrEqual(19);
    const cleared = await call(c.base, '/cache/clear', { method: 'POST', admin: true });
    expect(cleared.status, cleared.text).toBe(200);
    expect(json(cleared)).toEqual({ cleared: 2, workers: 2 });
    for (let i = 0; i < 4; i++) expect(json<{ size: number }>(await call(c.base, '/cache/stats')).size).toBe(0);
  });

  it('a model reload reaches every worker; a refused one changes nothing anywhere', async () => {
    const m = await testModel();
    const { checksum: _c, ...rest } = m.model.artifact;
    const other = sealArtifact({ ...rest, threshold: { ...rest.threshold, value: 0.37 } });
    await saveArtifact(join(c.dir, 'model.json'), other);
    const r = await call(c.base, '/admin/model/reload', { method: 'POST', body: {}, admin: true });
    expect(r.status, r.text).toBe(200);
    const body = json<{ status: string; model_version: string; workers: number }>(r);
    expect(body).toMatchObject({ status: 'reloaded', previous_version: m.model.version, workers: 2, workers_total: 2 });
    expect(body.model_version).not.toBe(m.model.version);
    reloaded = body.model_version;
    const seen = await byWorker(c.base, (s) => s.size >= 2);
    expect(seen.size).toBe(2);
    for (const h of seen.values()) expect(h.model.version).toBe(body.model_version);

    writeFileSync(join(c.dir, 'broken.json'), '{"not": "a model"}');
    const refused = await call(c.base, '/admin/model/reload', { method: 'POST', body: { path: 'broken.json' }, admin: true });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const after = await byWorker(c.base, (s) => s.size >= 2);
    for (const h of after.values()) expect(h.model.version).toBe(body.model_version);
  });

  it('two reloads of different files at once leave every worker on the same model', async () => {
    const { checksum: _c, ...rest } = (await testModel()).model.artifact;
    const versions: string[] = [];
    for (const [name, value] of [['a.json', 0.31], ['b.json', 0.33]] as const) {
      const artifact = sealArtifact({ ...rest, threshold: { ...rest.threshold, value } });
      await saveArtifact(join(c.dir, name), artifact);
      versions.push(artifact.checksum.slice('sha256:'.length, 'sha256:'.length + 12));
    }
    const replies = await Promise.all(['a.json', 'b.json'].map((path) => call(c.base, '/admin/model/reload', { method: 'POST', body: { path }, admin: true })));
    for (const r of replies) expect(json(r), r.text).toMatchObject({ status: 'reloaded', workers: 2 });
    const seen = await byWorker(c.base, (s) => s.size >= 2);
    const served = new Set([...seen.values()].map((h) => h.model.version));
    expect(served.size).toBe(1);
    expect(versions).toContain([...served][0]);
    reloaded = [...served][0];
  });

  it('a memory rate limit of R holds for the whole service (within N-1), applied by every worker at once', async () => {
    const R = 6;
    const set = await call(c.base, '/admin/rate-limit/rules/default', { method: 'POST', body: { requests: R, window_seconds: 3600 }, admin: true });
    expect(set.status, set.text).toBe(200);
    const replies: Reply[] = [];
    for (let i = 0; i < 3 * R; i++) replies.push(await call(c.base, '/model'));
    const allowed = replies.filter((r) => r.status === 200).length;
    expect(replies.filter((r) => r.status !== 200).every((r) => r.status === 429)).toBe(true);
    expect(allowed).toBeGreaterThanOrEqual(R - 1);
    expect(allowed).toBeLessThanOrEqual(R + 1);
    // Clients see the rule's limit, not a worker's share of it.
    for (const r of replies) expect(r.headers['x-ratelimit-limit']).toBe(String(R));
    const stats = json<{ workers: number; rules: Record<string, { requests: number; allowed: number; blocked: number }> }>(await call(c.base, '/admin/rate-limit/stats', { admin: true }));
    expect(stats.workers).toBe(2);
    expect(stats.rules.default).toMatchObject({ requests: R });
    expect(stats.rules.default.blocked).toBe(3 * R - allowed);
  });

  it('replaces a worker killed with SIGKILL, on the model the others serve, and keeps answering', async () => {
    const workers = workersOf(c.child.pid as number);
    expect(workers).toHaveLength(2);
    process.kill(workers[0], 'SIGKILL');
    expect(await eventually(() => c.out().includes('worker died unexpectedly') && workersOf(c.child.pid as number).length === 2 && (c.out().match(/"msg":"worker listening"/g) ?? []).length === 3, 20_000, 50)).toBe(true);
    const seen = await byWorker(c.base, (s) => s.has(3));
    expect(seen.get(3)?.model.version).toBe(reloaded);
    expect((await call(c.base, '/predict', { method: 'POST', body: { customer_data: record } })).status).toBe(200);
  });

  it('on SIGTERM every worker stops in order and the service exits 0', async () => {
    const workers = workersOf(c.child.pid as number);
    c.child.kill('SIGTERM');
    expect(await c.exit).toBe(0);
    for (const pid of workers) expect(alive(pid)).toBe(false);
    expect(c.out().match(/"worker":\d+,"msg":"stopped"/g)).toHaveLength(2);
    expect(c.out()).toContain('"role":"primary","msg":"stopped"');
  });

  it('stops with a non-zero exit when workers keep dying (more than 5 within 60 s)', async () => {
    // Replacements cannot start without their model file: each one dies at once.
    rmSync(join(crashing.dir, 'model.json'));
    const [first] = workersOf(crashing.child.pid as number);
    process.kill(first, 'SIGKILL');
    expect(await crashing.exit).toBe(3);
    expect(crashing.out()).toContain('more than 5 worker deaths within 60 s: stopping the service');
    expect((crashing.out().match(/worker died unexpectedly: starting a replacement/g) ?? []).length).toBe(5);
  });
});
