import type { FastifyInstance } from 'fastify';
import { describeError } from '../http-errors.js';
import { errorResponses, errorSchema } from '../schemas.js';
import { globalPlugin } from './global.js';

/**
 * One error shape for everything: `{ error, detail, request_id }`. Client mistakes are 4xx
 * with a detail that names the field or row; server faults are logged in full and answered
 * with a fixed sentence, so stack traces and internals never leave the process.
 */
export const errorsPlugin = globalPlugin('churn-errors', async (app: FastifyInstance) => {
  app.addSchema(errorSchema);

  app.addHook('onRoute', (route) => {
    const schema = (route.schema ??= {});
    schema.response = { ...errorResponses, ...(schema.response as Record<string, unknown> | undefined) };
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, code, detail } = describeError(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status, code }, detail);
    // The rest of an upload that was refused half-way is not worth reading.
    if (!request.raw.complete) reply.header('connection', 'close');
    reply.code(status).send({ error: code, detail, request_id: request.id });
  });

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.length > 200 ? `${request.url.slice(0, 200)}…` : request.url;
    reply.code(404).send({ error: 'NOT_FOUND', detail: `no route for ${request.method} ${url}`, request_id: request.id });
  });
});
