import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { ChurnError } from '../errors.js';
import type { ChurnModel } from '../model/churn-model.js';
import { buildApp } from './app.js';
import { createLogger } from './logger.js';
import { openServices } from './services.js';

export interface ServeOptions {
  config: Config;
  host?: string;
  port?: number;
  modelPath?: string;
  /** An already loaded model (npm start has just trained or read one). */
  model?: ChurnModel;
  logger?: Logger;
  /** Resolves when the server should stop; default: the first SIGTERM or SIGINT. */
  stopSignal?: Promise<string>;
}

function firstSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/**
 * Runs the service until stopped, then shuts down in order: stop accepting connections,
 * let requests in flight finish, close the store and Redis. Whatever is still running after
 * `shutdownTimeoutMs` is cut off so the process always ends in bounded time.
 */
export async function runServer(options: ServeOptions): Promise<void> {
  const { config } = options;
  const log = options.logger ?? createLogger(config.logLevel);
  const stop = options.stopSignal ?? firstSignal();
  const services = await openServices(config, { log, model: options.model, modelPath: options.modelPath });
  const app = await buildApp(services.deps).catch(async (e: unknown) => {
    await services.close();
    throw e;
  });
  const host = options.host ?? config.host;
  const port = options.port ?? config.port;
  try {
    await app.listen({ host, port });
  } catch (e) {
    await app.close();
    await services.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new ChurnError('LISTEN_FAILED', `cannot listen on ${host}:${port}: ${code === 'EADDRINUSE' ? 'the address is in use' : (e as Error).message}`, { kind: 'internal', cause: e });
  }
  const signal = await stop;
  log.info({ signal, timeout_ms: config.shutdownTimeoutMs }, 'shutting down: finishing requests in flight');
  const timer = setTimeout(() => {
    log.warn('shutdown timeout: closing the connections still open');
    app.server.closeAllConnections();
  }, config.shutdownTimeoutMs * 0.8);
  // A keep-alive connection whose request has just finished would otherwise hold the close open until its timeout.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    clearInterval(sweep);
    await services.close();
    log.info('stopped');
  }
}
