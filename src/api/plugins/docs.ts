import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { globalPlugin } from './global.js';
import { documentHeaders, setHeaders } from './security.js';

/**
 * OpenAPI 3 generated from the route schemas (the same ones that validate requests), served
 * at /openapi.json, with Swagger UI at /docs. Registered before the routes so it sees them all.
 */
export const docsPlugin = globalPlugin('churn-docs', async (app: FastifyInstance, options: { version: string }) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'churn-predictor', description: 'Customer churn predictions, explanations and the service around them.', version: options.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key (churn auth create-key)' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  // Pages a browser renders: helmet's whole set over the API headers, then Swagger UI's own CSP (staticCSP).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiHooks: { onRequest: setHeaders(await documentHeaders()) } });
  app.get('/openapi.json', { schema: { summary: 'This API as an OpenAPI 3 document', tags: ['meta'] }, config: { rateRule: 'default' } }, async () => app.swagger());
});
