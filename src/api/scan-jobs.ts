import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/index.js';
import { ChurnError, isChurnError } from '../errors.js';
import { recordScan, trackingKey } from '../security/history/index.js';
import { scanSettings } from '../security/policy/scan-settings.js';
import { runScan, type ScannerName } from '../security/scan.js';
import { defaultDbPath } from '../security/vuln/db.js';
import { securityScans, type Store } from '../store/index.js';

/** The queue is full: the client should try again later. */
export class ScanQueueFullError extends ChurnError {
  constructor(capacity: number) {
    super('SCAN_QUEUE_FULL', `${capacity} scan${capacity === 1 ? ' is' : 's are'} already running or waiting; try again when one has finished`, { kind: 'internal', details: { capacity } });
  }
}

export interface ScanJobRequest {
  /** As allowedScanTarget returned it. */
  target: string;
  scanners: readonly ScannerName[];
  /** `key:<id>` of the admin who asked. */
  actor: string;
}

interface Job extends ScanJobRequest {
  id: string;
}

export interface ScanJobsOptions {
  store: Store;
  config: Config;
  log: FastifyBaseLogger;
  /** How long close() waits for the running scan before marking it failed. */
  closeWaitMs?: number;
}

/** What a failed job tells its client: input errors say what was wrong, anything else is generic. */
function publicError(error: unknown): string {
  if (isChurnError(error) && error.kind === 'input') return `${error.code}: ${error.message}`.slice(0, 1000);
  return 'the scan failed on the server (see its log)';
}

/**
 * Security scans requested over the API, run in the background one at a time in this process,
 * with at most `SECURITY_SCAN_QUEUE_LENGTH` waiting. Every state change is written to the store
 * first, so any replica can answer for a job; the queue itself is this replica's, and a job is
 * run by the replica that accepted it.
 */
export class ScanJobs {
  readonly #opts: ScanJobsOptions;
  readonly #waiting: Job[] = [];
  /** Submissions between the capacity check and the queue push (the store insert is async). */
  #reserved = 0;
  #running: { job: Job; done: Promise<void> } | null = null;
  #closed = false;

  constructor(options: ScanJobsOptions) {
    this.#opts = options;
  }

  get capacity(): number {
    return 1 + this.#opts.config.security.scanQueueLength;
  }

  /** Stores the job as queued and schedules it. Throws ScanQueueFullError when there is no room. */
  async submit(request: ScanJobRequest, now = new Date()): Promise<{ id: string; status: 'queued' }> {
    if (this.#closed) throw new ChurnError('SHUTTING_DOWN', 'the service is stopping', { kind: 'internal' });
    const busy = (this.#running ? 1 : 0) + this.#waiting.length + this.#reserved;
    if (busy >= this.capacity) throw new ScanQueueFullError(this.capacity);
    this.#reserved++;
    let id: string;
    try {
      id = await securityScans.createJob(this.#opts.store, { target: trackingKey(request.target), targetInput: request.target, scanners: request.scanners, source: 'api', requestedBy: request.actor }, now);
    } finally {
      this.#reserved--;
    }
    this.#waiting.push({ ...request, id });
    this.#next();
    return { id, status: 'queued' };
  }

  #next(): void {
    if (this.#running || this.#closed) return;
    const job = this.#waiting.shift();
    if (!job) return;
    const done = this.#run(job).finally(() => {
      this.#running = null;
      this.#next();
    });
    this.#running = { job, done };
  }

  async #run(job: Job): Promise<void> {
    const { store, config, log } = this.#opts;
    try {
      if (!(await securityScans.markRunning(store, job.id))) return;
      const s = config.security;
      const settings = await scanSettings(config);
      const { thresholds } = settings;
      const result = await runScan({
        target: job.target,
        scanners: job.scanners,
        dbFile: defaultDbPath(config.dataDir),
        thresholds,
        allowedPorts: s.allowedIngressPorts,
        // Never the server's Docker engine, never plain HTTP to a registry off this machine.
        targetOptions: { engine: false, insecure: false },
        signature: { requirements: settings.signatureRequirements, trustedRegistries: settings.trustedRegistries },
      });
      await recordScan(store, { result, targetInput: job.target, scanners: job.scanners, thresholds, dueDays: settings.dueDays, now: new Date(), source: 'api', actor: job.actor, jobId: job.id });
    } catch (error) {
      if (!isChurnError(error) || error.kind !== 'input') log.error({ err: error, scan_id: job.id }, 'security scan job failed');
      await securityScans.fail(store, job.id, publicError(error)).catch((e: unknown) => log.error({ err: e, scan_id: job.id }, 'could not mark the scan job failed'));
    }
  }

  /**
   * Stops taking jobs: waiting ones are marked failed at once, the running one gets `closeWaitMs`
   * to finish and is marked failed after that (its late result is then refused by the store).
   */
  async close(): Promise<void> {
    this.#closed = true;
    const { store, log } = this.#opts;
    const waiting = this.#waiting.splice(0);
    for (const job of waiting) await securityScans.fail(store, job.id, 'the service stopped before the scan started').catch((e: unknown) => log.error({ err: e, scan_id: job.id }, 'could not mark the scan job failed'));
    const running = this.#running;
    if (!running) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([running.done.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), this.#opts.closeWaitMs ?? 5000)))]);
    clearTimeout(timer);
    if (timedOut) await securityScans.fail(store, running.job.id, 'the service stopped while the scan was running').catch(() => undefined);
  }
}
