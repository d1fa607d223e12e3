import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../../config/index.js';
import { ChurnError } from '../../errors.js';
import { apiKeys, openStore } from '../../store/index.js';
import { ClusterHub } from './hub.js';
import type { Topics } from './messages.js';

/** The model file a replacement worker starts on, when a reload has moved the service off the configured one. */
export const START_MODEL_ENV = 'CHURN_WORKER_START_MODEL';

/** More deaths than this within the window stop the service: a crash loop is not serving. */
export const MAX_DEATHS = 5;
export const DEATH_WINDOW_MS = 60_000;

export interface PrimaryOptions {
  config: Config;
  log: Logger;
  /** Where the workers listen (for the log: each worker reads the same command line). */
  host: string;
  port: number;
  /** Resolves with the signal that stops the service. */
  stop: Promise<string>;
}

interface Child {
  worker: Worker;
  listening: boolean;
  /** The model it was started on (undefined: the configured one). */
  model?: Topics['model.reload']['ask'];
}

/** The store is migrated and the bootstrap key registered once here, so workers never race to do it. */
async function prepareStore(config: Config): Promise<void> {
  const store = await openStore({ url: config.databaseUrl });
  try {
    if (config.apiSecretKey !== null) await apiKeys.ensure(store, { key: config.apiSecretKey, name: 'bootstrap (API_SECRET_KEY)', role: 'admin' });
  } finally {
    await store.close();
  }
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

/**
 * The cluster primary (WORKERS > 1): prepares the store, forks the workers (each runs the
 * single-process server on the same address; Node's cluster shares the listening socket),
 * routes their messages (ClusterHub), replaces a worker that dies, and on the stop signal has
 * every worker shut down in order. It never loads the model or serves a request itself.
 * Resolves when all workers have stopped cleanly; throws otherwise.
 */
export async function runPrimary(options: PrimaryOptions): Promise<void> {
  const { config, log } = options;
  await prepareStore(config);
  const children = new Map<number, Child>();
  const deaths: number[] = [];
  let stopping = false;
  let failure: ChurnError | null = null;
  /** The model the workers were last told to serve (by a reload), for replacements. */
  let model: Topics['model.reload']['ask'] | undefined;
  let allStarted: () => void = () => undefined;
  let allStopped: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (allStarted = resolve));
  const stopped = new Promise<void>((resolve) => (allStopped = resolve));
  let initial = true;

  const hub = new ClusterHub({
    log,
    onAsk: (_from, topic, payload) => {
      if (topic === 'model.reload') model = payload as Topics['model.reload']['ask'];
    },
  });

  const fork = (): void => {
    const env: Record<string, string> = {};
    if (model) env[START_MODEL_ENV] = model.path;
    const child: Child = { worker: cluster.fork(env), listening: false, model };
    const { worker } = child;
    children.set(worker.id, child);
    worker.on('message', (m: unknown) => hub.receive(worker.id, m));
    worker.on('error', (error) => log.warn({ err: error, worker_id: worker.id }, 'worker channel error'));
    worker.once('listening', () => {
      child.listening = true;
      hub.join({ id: worker.id, send: (message) => worker.send(message) });
      log.info({ worker_id: worker.id, pid: worker.process.pid }, 'worker listening');
      // A reload that happened while this worker was starting did not reach it.
      if (model && model !== child.model) hub.tell(worker.id, 'model.reload', model);
      if (initial && [...children.values()].every((c) => c.listening) && children.size === config.workers) {
        initial = false;
        allStarted();
      }
    });
    worker.once('exit', (code, signal) => onExit(child, code, signal));
  };

  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: children.size, timeout_ms: config.shutdownTimeoutMs }, 'shutting down the workers');
    for (const c of children.values()) {
      // A worker still starting may not listen for messages yet; it has nothing in flight to finish.
      if (c.listening) c.worker.send({ type: 'churn:shutdown', signal }, undefined, {}, () => undefined);
      else c.worker.process.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      for (const c of children.values()) {
        log.warn({ worker_id: c.worker.id }, 'shutdown timeout: killing a worker still running');
        c.worker.process.kill('SIGKILL');
      }
    }, config.shutdownTimeoutMs);
    timer.unref();
    stopped.finally(() => clearTimeout(timer));
    if (children.size === 0) allStopped();
  };

  const onExit = (child: Child, code: number | null, signal: string | null): void => {
    const id = child.worker.id;
    children.delete(id);
    hub.leave(id);
    if (stopping) {
      if (child.listening && (code !== 0 || signal !== null)) {
        log.error({ worker_id: id, code, signal }, 'worker did not stop cleanly');
        failure ??= new ChurnError('WORKER_FAILED', `worker ${id} did not stop cleanly (${describeExit(code, signal)})`, { kind: 'internal' });
      }
      if (children.size === 0) allStopped();
      return;
    }
    if (initial && !child.listening) {
      // The worker's own error (a missing model, a busy port) is in the log above; retrying cannot help.
      log.error({ worker_id: id, code, signal }, 'a worker failed to start: stopping the service');
      failure = new ChurnError('WORKER_START_FAILED', `worker ${id} failed to start (${describeExit(code, signal)}); see its error above`, { kind: code === 2 ? 'input' : 'internal' });
      shutdown('startup failure');
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && deaths[0] <= now - DEATH_WINDOW_MS) deaths.shift();
    if (deaths.length > MAX_DEATHS) {
      log.error({ worker_id: id, code, signal, deaths: deaths.length, window_ms: DEATH_WINDOW_MS }, `more than ${MAX_DEATHS} worker deaths within ${DEATH_WINDOW_MS / 1000} s: stopping the service`);
      failure = new ChurnError('WORKERS_CRASHING', `more than ${MAX_DEATHS} workers died within ${DEATH_WINDOW_MS / 1000} s (the last: ${describeExit(code, signal)}); the service stopped`, { kind: 'internal' });
      shutdown('crash loop');
      return;
    }
    log.error({ worker_id: id, code, signal }, 'worker died unexpectedly: starting a replacement');
    fork();
  };

  log.info({ workers: config.workers, host: options.host, port: options.port }, 'starting workers');
  for (let i = 0; i < config.workers; i++) fork();
  void options.stop.then(shutdown);
  await Promise.race([started, stopped]);
  if (!stopping) log.info({ workers: config.workers }, 'all workers listening');
  await stopped;
  hub.close();
  if (failure) throw failure;
  log.info('stopped');
}
