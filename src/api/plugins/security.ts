import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { globalPlugin } from './global.js';

/**
 * The headers @fastify/helmet sets with its defaults (CSP, HSTS, nosniff, frame denial…), read
 * once from a throwaway instance. The plugin rebuilds helmet's middleware on every request,
 * which costs more than a whole prediction; without nonces its output never changes, so the
 * service sets the same headers from a table instead.
 */
async function helmetHeaders(): Promise<[string, string][]> {
  const probe = Fastify();
  await probe.register(helmet, { global: true });
  probe.get('/', async () => 'ok');
  const res = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  const plain = await Fastify().inject({ method: 'GET', url: '/' });
  return Object.entries(res.headers)
    .filter(([name]) => plain.headers[name] === undefined && name !== 'content-type' && name !== 'content-length')
    .map(([name, value]) => [name, String(value)]);
}

/** Security headers on every response; CORS stays off unless CORS_ORIGINS lists the origins that may call from a browser. */
export const securityPlugin = globalPlugin('churn-security', async (app: FastifyInstance, options: { corsOrigins: string[] }) => {
  const headers = await helmetHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    for (let i = 0; i < headers.length; i++) reply.header(headers[i][0], headers[i][1]);
    done();
  });
  const origins = new Set(options.corsOrigins);
  if (origins.size === 0) return;
  const anyOrigin = origins.has('*');
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (typeof origin === 'string' && (anyOrigin || origins.has(origin))) {
      reply.header('access-control-allow-origin', anyOrigin ? '*' : origin);
      reply.header('vary', 'Origin');
      if (request.method === 'OPTIONS') {
        reply.header('access-control-allow-methods', 'GET, POST');
        reply.header('access-control-allow-headers', 'authorization, content-type, x-request-id');
        reply.header('access-control-max-age', '600');
        reply.code(204).send();
        return;
      }
    }
    done();
  });
});
