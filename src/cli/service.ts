import type { Command } from 'commander';
import { appendAudit, tailAudit, verifyAudit } from '../audit/index.js';
import { getJson } from '../api/client.js';
import { loadConfig } from '../config/index.js';
import { ChurnError } from '../errors.js';
import { DEFAULT_RULES, capacityOf } from '../ratelimit/index.js';
import { apiKeys, rateLimitRules, type ApiKeyRole } from '../store/index.js';
import { keyValueTable } from './format.js';
import type { Cli } from './main.js';
import { intOption } from './options.js';
import { withStore } from './store.js';

const DEFAULT_URL = 'http://127.0.0.1:8000';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function roleOption(raw: string): ApiKeyRole {
  if (raw !== 'admin' && raw !== 'predict') throw new ChurnError('BAD_USAGE', `--role must be admin or predict, got "${raw}"`);
  return raw;
}

/** Serving, API keys, the audit log, rate-limit rules, and questions to a running service. */
export function registerServiceCommands(program: Command, cli: Cli): void {
  program
    .command('serve')
    .description('run the prediction service (stops cleanly on SIGTERM/SIGINT)')
    .option('--host <h>', 'address to listen on (default HOST or 0.0.0.0)')
    .option('--port <p>', 'port (default PORT or 8000)', intOption(0, 65535))
    .option('--model <file>', 'model file (default MODEL_PATH or data/model.json)')
    .action(async (o: { host?: string; port?: number; model?: string }) => {
      // Loaded here, not at the top: the HTTP stack is most of the CLI's start-up and only serving needs it.
      const { runServer } = await import('../api/server.js');
      await runServer({ config: loadConfig(), host: o.host, port: o.port, modelPath: o.model });
    });

  const auth = program.command('auth').description('API keys for the service');
  auth
    .command('create-key')
    .description('issue a key; it is printed once and only its hash is stored')
    .requiredOption('--role <role>', 'admin or predict', roleOption)
    .option('--name <name>', 'what the key is for')
    .action(async (o: { role: ApiKeyRole; name?: string }) => {
      const { key, record } = await withStore(loadConfig(), async (store) => {
        const created = await apiKeys.create(store, { role: o.role, name: o.name });
        await appendAudit(store, { event: 'apikey.created', actor: 'cli', detail: { keyId: created.record.id, role: o.role, name: created.record.name } });
        return created;
      });
      cli.out(key);
      cli.info(`created ${record.role} key ${record.id} (${record.name}); store it now, it cannot be shown again`);
    });
  auth
    .command('list')
    .description('list keys (never the keys themselves)')
    .action(async () => {
      const keys = await withStore(loadConfig(), (store) => apiKeys.list(store));
      cli.out(table(['id', 'name', 'role', 'prefix', 'created', 'last used', 'revoked'], keys.map((k) => [k.id, k.name, k.role, k.prefix, k.createdAt, k.lastUsedAt ?? '-', k.revokedAt ?? '-'])));
    });
  auth
    .command('revoke <id>')
    .description('revoke a key (running services stop accepting it within seconds)')
    .action(async (id: string) => {
      const info = await withStore(loadConfig(), async (store) => {
        const revoked = await apiKeys.revoke(store, id);
        await appendAudit(store, { event: 'apikey.revoked', actor: 'cli', detail: { keyId: id } });
        return revoked;
      });
      cli.out(`revoked ${info.id} (${info.name}) at ${info.revokedAt}`);
    });

  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('check the whole chain; exit 1 naming the first broken entry')
    .action(async () => {
      const r = await withStore(loadConfig(), (store) => verifyAudit(store));
      if (!r.ok) {
        throw new ChurnError('AUDIT_CHAIN_BROKEN', `audit log broken at entry ${r.brokenAt}: ${r.reason} (${r.count} entries before it are intact)`, { kind: 'finding', details: { seq: r.brokenAt } });
      }
      cli.out(`audit log intact: ${r.count} entries, head ${r.lastHash}`);
    });
  audit
    .command('tail')
    .description('show the newest entries, newest first')
    .option('--limit <n>', 'how many', intOption(1, 1000), 20)
    .action(async (o: { limit: number }) => {
      const entries = await withStore(loadConfig(), (store) => tailAudit(store, { limit: o.limit }));
      for (const e of entries) cli.out(`${e.seq}  ${e.ts}  ${e.event.padEnd(22)} ${e.actor}  ${JSON.stringify(e.detail)}`);
    });

  program
    .command('rate-limit-stats')
    .description('rate-limit rules in force; with --url, the live counters of a running service (admin key in CHURN_API_KEY)')
    .option('--url <url>', 'a running service')
    .action(async (o: { url?: string }) => {
      if (o.url !== undefined) {
        cli.out(JSON.stringify(await getJson(o.url, '/admin/rate-limit/stats', { apiKey: process.env.CHURN_API_KEY }), null, 2));
        return;
      }
      const stored = await withStore(loadConfig(), (store) => rateLimitRules.list(store));
      const rules = new Map<string, string[]>(Object.entries(DEFAULT_RULES).map(([k, r]) => [k, [k, String(r.requests), String(r.windowSeconds), String(capacityOf(r)), 'default', '']]));
      for (const r of stored) rules.set(r.key, [r.key, String(r.requests), String(r.windowSeconds), String(r.burst ?? r.requests), 'stored', r.description]);
      cli.out(table(['rule', 'requests', 'window s', 'burst', 'source', 'description'], [...rules.values()]));
    });

  program
    .command('rate-limit-add <key>')
    .description('add or replace a rate-limit rule (stored and audited; running services pick it up within 30 s)')
    .requiredOption('--requests <n>', 'requests per window', intOption(1, 1_000_000_000))
    .requiredOption('--window <s>', 'window in seconds', intOption(1, 31_622_400))
    .option('--burst <b>', 'bucket capacity (default: requests)', intOption(1, 1_000_000_000))
    .option('--description <d>', 'why the rule exists')
    .action(async (key: string, o: { requests: number; window: number; burst?: number; description?: string }) => {
      const saved = await withStore(loadConfig(), async (store) => {
        const rule = await rateLimitRules.upsert(store, { key, requests: o.requests, windowSeconds: o.window, burst: o.burst ?? null, description: o.description });
        await appendAudit(store, { event: 'ratelimit.rule_changed', actor: 'cli', detail: { rule: key, requests: rule.requests, windowSeconds: rule.windowSeconds, burst: rule.burst, via: 'cli' } });
        return rule;
      });
      cli.out(`rule ${saved.key}: ${saved.requests} per ${saved.windowSeconds} s, burst ${saved.burst ?? saved.requests}`);
    });

  program
    .command('health-detailed')
    .description('ask a running service how it is (exit 1 unless every part is ok)')
    .option('--url <url>', 'the service', DEFAULT_URL)
    .action(async (o: { url: string }) => {
      const h = (await getJson(o.url, '/health/detailed')) as { status: string; model: { status: string; version: string | null }; store: { status: string; dialect: string }; redis: { status: string; backend: string }; uptime_seconds: number };
      cli.out(
        keyValueTable([
          ['status', h.status],
          ['model', `${h.model.status} (${h.model.version ?? 'none'})`],
          ['store', `${h.store.status} (${h.store.dialect})`],
          ['redis', `${h.redis.status} (rate limits in ${h.redis.backend})`],
          ['uptime', `${h.uptime_seconds} s`],
        ]),
      );
      if (h.status !== 'ok') throw new ChurnError('UNHEALTHY', `the service at ${o.url} is ${h.status}`, { kind: 'finding' });
    });

  program
    .command('cache-stats')
    .description("a running service's prediction cache counters")
    .option('--url <url>', 'the service', DEFAULT_URL)
    .action(async (o: { url: string }) => {
      const s = (await getJson(o.url, '/cache/stats')) as Record<string, number>;
      cli.out(keyValueTable(Object.entries(s).map(([k, v]) => [k, k === 'hit_rate' ? v.toFixed(4) : String(v)])));
    });
}
