import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort } from '../ratelimit/redis-helpers.js';
import { customersCsv, sampleCustomers, testModel } from '../support/model.js';

const ENTRY = fileURLToPath(new URL('./fixtures/churn.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'churn-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Served {
  child: ChildProcess;
  base: string;
  stdout: () => string;
  exit: Promise<number | null>;
}

/** Runs `churn serve` from source in a child process on a free port and waits until it answers. */
async function serve(env: Record<string, string> = {}): Promise<Served> {
  const port = await freePort();
  const m = await testModel();
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--host', '127.0.0.1', '--port', String(port), '--model', m.path], {
    env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'info', RATE_LIMIT_ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const up = await eventually(async () => (await fetch(`${base}/health`).catch(() => null))?.status === 200, 20_000, 100);
  if (!up) throw new Error(`server did not start:\n${out}`);
  return { child, base, stdout: () => out, exit };
}

/** Starts a chunked text/csv upload and returns a handle to finish it later. */
function slowUpload(base: string, head: string): { finish(rest: string): void; response: Promise<{ status: number; body: string }> } {
  const req = request(`${base}/predict/batch`, { method: 'POST', headers: { 'content-type': 'text/csv', 'transfer-encoding': 'chunked' } });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  req.write(head);
  return { finish: (rest) => req.end(rest), response };
}

const customers = sampleCustomers(400);
const csv = customersCsv(customers);
const lines = csv.split('\n');
const head = `${lines.slice(0, 201).join('\n')}\n`;
const rest = `${lines.slice(201).join('\n')}`;

describe('churn serve', () => {
  let s: Served;
  let stuck: Served;
  beforeAll(async () => {
    [s, stuck] = await Promise.all([serve({ BATCH_MAX_BYTES: '65536' }), serve({ SHUTDOWN_TIMEOUT_MS: '1000' })]);
  });

  it('refuses bad uploads over a real connection with a 4xx the client can read', async () => {
    let i = 0;
    const big = Buffer.from(`${csv}${lines.slice(1).join('\n')}`);
    const chunked = () => new ReadableStream({ pull(c) { if (i >= big.length) c.close(); else { c.enqueue(big.subarray(i, (i += 8192))); } } });
    const tooBig = await fetch(`${s.base}/predict/batch`, { method: 'POST', body: chunked(), headers: { 'content-type': 'text/csv' }, duplex: 'half' } as RequestInit);
    expect(tooBig.status, await tooBig.clone().text()).toBe(413);
    expect(((await tooBig.json()) as { error: string }).error).toBe('PAYLOAD_TOO_LARGE');
    const ragged = await fetch(`${s.base}/predict/batch`, { method: 'POST', body: `${lines[0]}\nx,y\n${rest}`, headers: { 'content-type': 'text/csv' } });
    expect(ragged.status).toBe(400);
    expect(((await ragged.json()) as { detail: string }).detail).toContain('upload line 2');
    expect((await fetch(`${s.base}/ready`)).status).toBe(200);
  });

  it('on SIGTERM stops accepting, finishes the request in flight, and exits 0', async () => {
    const upload = slowUpload(s.base, head);
    await new Promise((r) => setTimeout(r, 300));
    s.child.kill('SIGTERM');
    expect(await eventually(() => s.stdout().includes('shutting down'), 5000)).toBe(true);
    await expect(fetch(`${s.base}/health`)).rejects.toThrow();
    upload.finish(rest);
    const res = await upload.response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).count).toBe(400);
    expect(await s.exit).toBe(0);
    expect(s.stdout()).toContain('"msg":"stopped"');
  });

  it('cuts off a request that never ends once SHUTDOWN_TIMEOUT_MS has passed, and still exits 0', async () => {
    const upload = slowUpload(stuck.base, head);
    upload.response.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    stuck.child.kill('SIGTERM');
    // The upload never ends, so the process can only exit because the timeout cut it off.
    expect(await stuck.exit).toBe(0);
    expect(stuck.stdout()).toContain('shutdown timeout');
  });
});
