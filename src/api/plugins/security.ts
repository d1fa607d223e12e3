import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type onRequestHookHandler } from 'fastify';
import { globalPlugin } from './global.js';

/**
 * The headers @fastify/helmet sets with its defaults (CSP, HSTS, nosniff, frame denial…), read
 * once from a throwaway instance. The plugin rebuilds helmet's middleware on every request,
 * which costs more than a whole prediction; without nonces its output never changes, so the
 * service sets the same headers from a table instead.
 */
async function readHelmetHeaders(): Promise<[string, string][]> {
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

let helmetHeaders: Promise<[string, string][]> | null = null;

/** Headers for documents a browser renders (the Swagger UI pages): all of helmet's defaults. */
export function documentHeaders(): Promise<[string, string][]> {
  return (helmetHeaders ??= readHelmetHeaders());
}

/**
 * Headers for API responses (JSON, CSV, Prometheus text), after OWASP's REST Security Cheat
 * Sheet: nothing in them may be run, framed, sniffed or kept in a cache, and HTTPS is sticky.
 * Helmet's other defaults (COOP, Origin-Agent-Cluster, DNS prefetch, X-Download-Options,
 * X-XSS-Protection, cross-domain policies, referrer policy) govern documents a browser renders
 * and do nothing on a JSON answer, while every header costs each response its validation and
 * bytes; the docs pages, which are documents, get helmet's whole set.
 */
export const API_HEADERS: readonly (readonly [string, string])[] = [
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
  ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['cross-origin-resource-policy', 'same-origin'],
  // Predictions describe customers: no shared or browser cache should keep them.
  ['cache-control', 'no-store'],
];

/** An onRequest hook that sets a fixed list of headers. */
export function setHeaders(headers: readonly (readonly [string, string])[]): onRequestHookHandler {
  return (_request, reply, done) => {
    for (let i = 0; i < headers.length; i++) reply.header(headers[i][0], headers[i][1]);
    done();
  };
}

/** Security headers on every response (API_HEADERS; the docs pages add documentHeaders()); CORS stays off unless CORS_ORIGINS lists the origins that may call from a browser. */
export const securityPlugin = globalPlugin('churn-security', async (app: FastifyInstance, options: { corsOrigins: string[] }) => {
  app.addHook('onRequest', setHeaders(API_HEADERS));
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
