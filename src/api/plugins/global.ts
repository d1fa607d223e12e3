import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

/**
 * Marks a plugin as applying to the instance that registers it rather than to a child
 * context (what the fastify-plugin package does), so its hooks and decorators cover every route.
 */
export function globalPlugin<O extends Record<string, unknown>>(name: string, fn: (app: FastifyInstance, options: O) => Promise<void>): FastifyPluginAsync<O> {
  const plugin = fn as FastifyPluginAsync<O> & Record<symbol, unknown>;
  plugin[Symbol.for('skip-override')] = true;
  plugin[Symbol.for('fastify.display-name')] = name;
  return plugin;
}
