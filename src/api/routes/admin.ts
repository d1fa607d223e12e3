import type { FastifyInstance } from 'fastify';
import { tailAudit } from '../../audit/index.js';
import { rateLimitRules } from '../../store/index.js';
import { sumRateLimitStats } from '../cluster/aggregate.js';
import { answered } from '../cluster/peers.js';
import type { AppContext } from '../context.js';
import { httpError } from '../http-errors.js';

interface RuleBody {
  requests: number;
  window_seconds: number;
  burst?: number | null;
  description?: string;
}

const ruleStats = { type: 'object', properties: { requests: { type: 'integer' }, window_seconds: { type: 'integer' }, burst: { type: 'integer' }, allowed: { type: 'integer' }, blocked: { type: 'integer' } } } as const;

const auditEntry = {
  type: 'object',
  properties: { seq: { type: 'integer' }, ts: { type: 'string' }, event: { type: 'string' }, actor: { type: 'string' }, detail: { type: 'object', additionalProperties: true }, prev_hash: { type: 'string' }, hash: { type: 'string' } },
} as const;

const admin = { access: 'admin', rateRule: 'admin' } as const;
/** A rule change waits this long for one running on another worker. */
const RULE_LOCK_WAIT_MS = 15_000;
const security = [{ bearer: [] }];

/** Rate-limit rules and counters, and the audit log. Admin keys only. */
export async function adminRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  function limiter() {
    if (!ctx.limiter) throw httpError('BAD_REQUEST', 'rate limiting is turned off (RATE_LIMIT_ENABLED=false)');
    return ctx.limiter;
  }
  if (ctx.limiter) {
    const live = ctx.limiter;
    ctx.peers.answer('rate-limit.rule', ({ key, rule }) => {
      live.setRule(key, rule);
      return null;
    });
    ctx.peers.answer('rate-limit.stats', () => live.stats());
  }

  app.get('/admin/rate-limit/stats', {
    config: admin,
    schema: {
      summary: "Rules in force and this replica's allowed/blocked counters (all its workers' added up)",
      tags: ['admin'],
      security,
      response: {
        200: {
          type: 'object',
          properties: {
            enabled: { type: 'boolean' },
            backend: { type: 'object', properties: { backend: { type: 'string' }, degraded: { type: 'boolean' }, last_error: { type: 'string' } } },
            totals: { type: 'object', properties: { allowed: { type: 'integer' }, blocked: { type: 'integer' } } },
            rules: { type: 'object', additionalProperties: ruleStats },
            workers: { type: 'integer', description: 'Workers whose counters are added up' },
          },
        },
      },
    },
  }, async () => {
    if (!ctx.limiter) return { enabled: false, totals: { allowed: 0, blocked: 0 }, rules: {}, workers: ctx.peers.size };
    const others = answered(await ctx.peers.ask('rate-limit.stats', null));
    const s = sumRateLimitStats(ctx.limiter.stats(), others);
    const rules = Object.fromEntries(Object.entries(s.rules).map(([k, r]) => [k, { requests: r.requests, window_seconds: r.windowSeconds, burst: r.burst, allowed: r.allowed, blocked: r.blocked }]));
    const backend = s.backend ? { backend: s.backend.backend, degraded: s.backend.degraded, ...(s.backend.lastError ? { last_error: s.backend.lastError.slice(0, 200) } : {}) } : undefined;
    return { enabled: true, backend, totals: s.totals, rules, workers: 1 + others.length };
  });

  app.post<{ Params: { key: string }; Body: RuleBody }>('/admin/rate-limit/rules/:key', {
    config: admin,
    schema: {
      summary: 'Adds or replaces a rate-limit rule (stored, audited, applied at once)',
      tags: ['admin'],
      security,
      params: { type: 'object', properties: { key: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' } }, required: ['key'] },
      body: {
        type: 'object',
        properties: {
          requests: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
          window_seconds: { type: 'integer', minimum: 1, maximum: 31_622_400 },
          burst: { type: ['integer', 'null'], minimum: 1, maximum: 1_000_000_000 },
          description: { type: 'string', maxLength: 500 },
        },
        required: ['requests', 'window_seconds'],
        additionalProperties: false,
      },
      response: {
        200: { type: 'object', properties: { key: { type: 'string' }, requests: { type: 'integer' }, window_seconds: { type: 'integer' }, burst: { type: ['integer', 'null'] }, description: { type: 'string' }, updated_at: { type: 'string' } } },
      },
    },
  }, async (request) => {
    const live = limiter();
    const { key } = request.params;
    const b = request.body;
    // One change at a time across the workers, so they apply changes in the order the store got them.
    const saved = await ctx.peers.exclusive('rate-limit.rules', RULE_LOCK_WAIT_MS, async () => {
      const stored = await rateLimitRules.upsert(ctx.store, { key, requests: b.requests, windowSeconds: b.window_seconds, burst: b.burst ?? null, description: b.description });
      const rule = { requests: stored.requests, windowSeconds: stored.windowSeconds, burst: stored.burst };
      live.setRule(key, rule);
      // Stored already, so a worker that misses this picks the rule up at its next refresh.
      const others = await ctx.peers.ask('rate-limit.rule', { key, rule });
      if (answered(others).length < others.length) request.log.warn({ failed: others.filter((a) => !a.ok) }, 'some workers apply the new rule only at their next refresh');
      return stored;
    });
    await ctx.audit({ event: 'ratelimit.rule_changed', actor: `key:${request.principal?.id ?? '?'}`, detail: { rule: key, requests: saved.requests, windowSeconds: saved.windowSeconds, burst: saved.burst, via: 'api' } });
    return { key, requests: saved.requests, window_seconds: saved.windowSeconds, burst: saved.burst, description: saved.description, updated_at: saved.updatedAt };
  });

  app.get<{ Querystring: { limit?: string; before?: string } }>('/admin/audit', {
    config: admin,
    schema: {
      summary: 'Audit log entries, newest first; page back with ?before=<smallest seq seen>',
      tags: ['admin'],
      security,
      querystring: {
        type: 'object',
        properties: { limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: '1 to 1000 (default 50)' }, before: { type: 'string', pattern: '^[0-9]{1,15}$' } },
        additionalProperties: false,
      },
      response: { 200: { type: 'object', properties: { entries: { type: 'array', items: auditEntry }, next_before: { type: ['integer', 'null'] } } } },
    },
  }, async (request) => {
    const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
    const beforeSeq = request.query.before === undefined ? undefined : Number(request.query.before);
    const entries = await tailAudit(ctx.store, { limit, beforeSeq });
    const last = entries.at(-1);
    return {
      entries: entries.map((e) => ({ seq: e.seq, ts: e.ts, event: e.event, actor: e.actor, detail: e.detail, prev_hash: e.prevHash, hash: e.hash })),
      next_before: entries.length === limit && last && last.seq > 1 ? last.seq : null,
    };
  });
}
