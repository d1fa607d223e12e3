import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { RateLimitDecision, RateLimiter } from '../../ratelimit/index.js';
import type { AppMetrics } from '../metrics.js';
import { globalPlugin } from './global.js';

/**
 * A token bucket per client IP and rule, taken before anything else runs (auth, body
 * parsing), so a flood costs one bucket update per request. Every response carries the
 * X-RateLimit headers; a refusal is a 429 with Retry-After. If the limiter itself fails the
 * request goes through: losing the limit for a moment beats refusing every client.
 */
export const rateLimitPlugin = globalPlugin('churn-rate-limit', async (app: FastifyInstance, options: { limiter: RateLimiter; metrics: AppMetrics }) => {
  const { limiter, metrics } = options;
  const apply = (decision: RateLimitDecision, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    reply.header('x-ratelimit-limit', decision.limit);
    reply.header('x-ratelimit-remaining', decision.remaining);
    reply.header('x-ratelimit-reset', Math.ceil(decision.resetMs / 1000));
    if (decision.allowed) {
      done();
      return;
    }
    metrics.rateLimitBlocks.inc({ rule: decision.rule });
    const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    reply.header('retry-after', retryAfter);
    reply.code(429).send({
      error: 'RATE_LIMITED',
      detail: `too many requests for rule "${decision.rule}"; retry in ${retryAfter} s`,
      request_id: request.id,
      requests_remaining: decision.remaining,
      reset_time: new Date(decision.resetMs).toISOString(),
    });
  };
  const failOpen = (error: unknown, request: FastifyRequest, done: HookHandlerDoneFunction): void => {
    request.log.warn({ err: error }, 'rate limiter failed; letting the request through');
    done();
  };
  app.addHook('onRequest', (request, reply, done) => {
    const rule = request.routeOptions.config?.rateRule ?? 'default';
    // The memory store answers at once: no promise, no microtask turn on the hot path.
    let decision: RateLimitDecision | undefined;
    try {
      decision = limiter.checkSync(rule, request.ip);
    } catch (error) {
      failOpen(error, request, done);
      return;
    }
    if (decision !== undefined) {
      apply(decision, request, reply, done);
      return;
    }
    limiter.check(rule, request.ip).then(
      (d) => apply(d, request, reply, done),
      (error: unknown) => failOpen(error, request, done),
    );
  });
});
