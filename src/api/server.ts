import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { ChurnError } from '../errors.js';
import type { ChurnModel } from '../model/churn-model.js';
import { buildApp } from './app.js';
import { WorkerPeers, type Peers } from './cluster/peers.js';
import { START_MODEL_ENV, runPrimary } from './cluster/primary.js';
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

interface ProcessOptions {
  config: Config;
  host: string;
  port: number;
  log: Logger;
  stop: Promise<string>;
  modelPath?: string;
  model?: ChurnModel;
  startModelPath?: string;
  peers?: Peers;
}

/**
 * Runs the service until stopped, then shuts down in order: stop accepting connections,
 * let requests in flight finish, close the store and Redis. Whatever is still running after
 * `shutdownTimeoutMs` is cut off so the process always ends in bounded time.
 *
 * With `config.workers` > 1 this process becomes the cluster primary (runPrimary) and the
 * workers it forks run the same command line again, which brings each of them back here as a
 * worker: a caller that passes options the command line does not carry (a model, a stop
 * signal) gets them honoured in a single process only.
 */
export async function runServer(options: ServeOptions): Promise<void> {
  const { config } = options;
  const log = options.logger ?? createLogger(config.logLevel);
  const stop = options.stopSignal ?? firstSignal();
  const host = options.host ?? config.host;
  const port = options.port ?? config.port;
  const common = { config, host, port, stop, modelPath: options.modelPath, model: options.model };
  if (config.workers === 1) return serveProcess({ ...common, log });
  if (cluster.isPrimary) return runPrimary({ config, host, port, stop, log: log.child({ role: 'primary' }) });
  const worker = cluster.worker as Worker;
  const workerLog = log.child({ worker: worker.id });
  const peers = new WorkerPeers({ size: config.workers, workerId: worker.id, log: workerLog });
  try {
    await serveProcess({ ...common, log: workerLog, peers, stop: Promise.race([stop, peers.stopRequested]), startModelPath: process.env[START_MODEL_ENV] });
  } finally {
    peers.close();
    // The IPC channel holds a worker open; leaving the cluster lets it end with the exit code the CLI sets.
    worker.disconnect();
  }
}

/** One process serving: the whole service, or one cluster worker. */
async function serveProcess(options: ProcessOptions): Promise<void> {
  const { config, log, stop, host, port } = options;
  const services = await openServices(config, { log, model: options.model, modelPath: options.modelPath, startModelPath: options.startModelPath });
  const app = await buildApp({ ...services.deps, peers: options.peers }).catch(async (e: unknown) => {
    await services.close();
    throw e;
  });
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
