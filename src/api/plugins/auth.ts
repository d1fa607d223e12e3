import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, RouteAccess } from '../context.js';
import { KeyCache } from '../key-cache.js';
import { globalPlugin } from './global.js';

const BEARER = /^Bearer[ \t]+(\S{1,256})[ \t]*$/i;

/**
 * API keys with roles. Admin routes always need an admin key; prediction routes need a
 * predict or admin key when REQUIRE_AUTH_FOR_PREDICT is on. A missing or unknown key is a
 * 401, the wrong role a 403; both are audited and counted.
 */
export const authPlugin = globalPlugin('churn-auth', async (app: FastifyInstance, options: { ctx: AppContext }) => {
  const { ctx } = options;
  const keys = new KeyCache(ctx.store);
  app.decorateRequest('principal', null);

  async function refuse(request: FastifyRequest, reply: FastifyReply, status: 401 | 403, reason: string, detail: string): Promise<FastifyReply> {
    ctx.metrics.authFailures.inc({ reason });
    const route = request.routeOptions.url ?? request.url.slice(0, 200);
    await ctx.audit({
      event: status === 401 ? 'auth.failure' : 'authz.denied',
      actor: request.principal ? `key:${request.principal.id}` : `ip:${request.ip}`,
      detail: { reason, method: request.method, route, ip: request.ip, request_id: request.id },
    });
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.code(status).send({ error: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', detail, request_id: request.id });
  }

  /** Resolves true when the request may go on; otherwise it has already been answered. */
  async function authorize(request: FastifyRequest, reply: FastifyReply, access: RouteAccess): Promise<boolean> {
    const header = request.headers.authorization;
    if (header === undefined) {
      await refuse(request, reply, 401, 'missing', 'this route needs an API key: send Authorization: Bearer <key>');
      return false;
    }
    const match = BEARER.exec(header);
    const info = match ? await keys.lookup(match[1]) : null;
    if (info === null) {
      await refuse(request, reply, 401, 'invalid', 'the API key is not valid (unknown, revoked or malformed)');
      return false;
    }
    request.principal = info;
    if (access === 'admin' && info.role !== 'admin') {
      await refuse(request, reply, 403, 'forbidden', `this route needs an admin key; key ${info.id} has the role "${info.role}"`);
      return false;
    }
    if (access === 'admin') {
      await ctx.audit({ event: 'auth.success', actor: `key:${info.id}`, detail: { method: request.method, route: request.routeOptions.url ?? '', ip: request.ip, request_id: request.id } });
    }
    return true;
  }

  // Callback style so that open routes (the hot path) pass without a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const access: RouteAccess = request.routeOptions.config?.access ?? 'public';
    if (access === 'public' || (access === 'predict' && !ctx.config.requireAuthForPredict)) {
      done();
      return;
    }
    authorize(request, reply, access).then((ok) => ok && done(), done);
  });
});
