import type { Logger } from 'pino';
import { ChurnError } from '../../errors.js';
import { parseToWorker, type PeerAnswer, type ToPrimary, type Topic, type Topics } from './messages.js';

/** How long a worker waits for the others by default. */
export const ASK_TIMEOUT_MS = 5000;

/**
 * The other workers of this service, as one worker sees them. Routes that change or report
 * state a single process would hold once (the model, the cache, rate-limit rules, metrics)
 * do their own part, then ask the others to do theirs.
 */
export interface Peers {
  /** Processes serving together (1: a single process, no cluster). */
  readonly size: number;
  /** This worker's cluster id; null in a single process. */
  readonly workerId: number | null;
  /** Asks every other worker; resolves with the answers (failures and silence included as errors), never rejects. */
  ask<T extends Topic>(topic: T, payload: Topics[T]['ask'], timeoutMs?: number): Promise<PeerAnswer<Topics[T]['answer']>[]>;
  /** How this worker answers `topic` when another one asks. */
  answer<T extends Topic>(topic: T, handler: (payload: Topics[T]['ask']) => Topics[T]['answer'] | Promise<Topics[T]['answer']>): void;
  /**
   * Runs `fn` while no other worker runs anything under the same `name`, so changes that every
   * worker applies in turn (a reload) reach all of them in one order. Throws CLUSTER_BUSY
   * after `waitMs` without the lock.
   */
  exclusive<T>(name: string, waitMs: number, fn: () => Promise<T>): Promise<T>;
}

/** A single process: nobody else to ask or to wait for. */
export const SOLO: Peers = {
  size: 1,
  workerId: null,
  ask: async () => [],
  answer: () => undefined,
  exclusive: (_name, _waitMs, fn) => fn(),
};

/** The lock could not be had in time: another worker holds it (or the primary does not answer). */
export class ClusterBusyError extends ChurnError {
  constructor(name: string, waitMs: number) {
    super('CLUSTER_BUSY', `another worker is still doing "${name}" after ${waitMs} ms; try again`, { kind: 'internal', details: { name } });
  }
}

/** The successful answers' values. */
export function answered<T>(answers: PeerAnswer<T>[]): T[] {
  return answers.flatMap((a) => (a.ok ? [a.value] : []));
}

/** The IPC side of a cluster worker (`process` in a forked worker). */
export interface WorkerChannel {
  send?(message: ToPrimary, sendHandle?: undefined, options?: object, callback?: (error: Error | null) => void): boolean;
  readonly connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * Peers over the cluster's IPC channel: asks go to the primary, which passes them on to every
 * other worker and sends the answers back (see ClusterHub). The primary also uses the channel
 * to ask this worker to stop (`stopRequested`).
 */
export class WorkerPeers implements Peers {
  readonly size: number;
  readonly workerId: number;
  /** Resolves with the signal the primary relays when the service stops. */
  readonly stopRequested: Promise<string>;
  readonly #channel: WorkerChannel;
  readonly #log: Logger;
  readonly #handlers = new Map<string, (payload: unknown) => unknown>();
  readonly #waiting = new Map<number, { resolve: (answers: PeerAnswer<unknown>[]) => void; timer: NodeJS.Timeout }>();
  /** Lock requests waiting for their grant (true) or giving up (false). */
  readonly #locking = new Map<number, (granted: boolean) => void>();
  readonly #listener = (message: unknown) => this.#receive(message);
  #stop: (signal: string) => void = () => undefined;
  #nextId = 1;

  constructor(options: { size: number; workerId: number; log: Logger; channel?: WorkerChannel }) {
    this.size = options.size;
    this.workerId = options.workerId;
    this.#log = options.log;
    this.#channel = options.channel ?? (process as WorkerChannel);
    this.stopRequested = new Promise((resolve) => (this.#stop = resolve));
    this.#channel.on('message', this.#listener);
  }

  ask<T extends Topic>(topic: T, payload: Topics[T]['ask'], timeoutMs = ASK_TIMEOUT_MS): Promise<PeerAnswer<Topics[T]['answer']>[]> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      // The primary answers by timeoutMs; this one only covers a primary that is gone.
      const timer = setTimeout(() => this.#settle(id, []), timeoutMs + 1000);
      this.#waiting.set(id, { resolve: resolve as (answers: PeerAnswer<unknown>[]) => void, timer });
      this.#send({ type: 'churn:ask', id, topic, payload, timeoutMs }, () => this.#settle(id, []));
    });
  }

  answer<T extends Topic>(topic: T, handler: (payload: Topics[T]['ask']) => Topics[T]['answer'] | Promise<Topics[T]['answer']>): void {
    this.#handlers.set(topic, handler as (payload: unknown) => unknown);
  }

  async exclusive<T>(name: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
    const id = this.#nextId++;
    let timer: NodeJS.Timeout | undefined;
    const granted = new Promise<boolean>((resolve) => {
      this.#locking.set(id, resolve);
      timer = setTimeout(() => resolve(false), waitMs);
      this.#send({ type: 'churn:lock', id, name }, () => resolve(false));
    });
    const got = await granted;
    clearTimeout(timer);
    this.#locking.delete(id);
    // Unlocking also withdraws a request still queued, so a late grant cannot hold the lock forever.
    const unlock = () => this.#send({ type: 'churn:unlock', id, name });
    if (!got) {
      unlock();
      throw new ClusterBusyError(name, waitMs);
    }
    try {
      return await fn();
    } finally {
      unlock();
    }
  }

  /** Stops listening; asks still waiting resolve with no answers, locks still awaited are not had. */
  close(): void {
    this.#channel.off('message', this.#listener);
    for (const id of [...this.#waiting.keys()]) this.#settle(id, []);
    for (const giveUp of this.#locking.values()) giveUp(false);
  }

  #receive(raw: unknown): void {
    const m = parseToWorker(raw);
    if (m === null) return;
    if (m.type === 'churn:shutdown') this.#stop(m.signal);
    else if (m.type === 'churn:answers') this.#settle(m.id, m.answers);
    else if (m.type === 'churn:locked') this.#granted(m.id);
    else void this.#reply(m.id, m.topic, m.payload);
  }

  async #reply(id: number, topic: string, payload: unknown): Promise<void> {
    const handler = this.#handlers.get(topic);
    try {
      if (!handler) throw new Error(`this worker does not answer "${topic}"`);
      const value = await handler(payload);
      this.#send({ type: 'churn:answer', id, ok: true, value });
    } catch (error) {
      this.#log.warn({ err: error, topic }, 'could not do what another worker asked');
      this.#send({ type: 'churn:answer', id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** A grant for a request this worker gave up on needs nothing: its unlock already withdrew or released it. */
  #granted(id: number): void {
    this.#locking.get(id)?.(true);
  }

  #settle(id: number, answers: PeerAnswer<unknown>[]): void {
    const waiting = this.#waiting.get(id);
    if (!waiting) return;
    this.#waiting.delete(id);
    clearTimeout(waiting.timer);
    waiting.resolve(answers);
  }

  /** `failed` runs when the message cannot go (the primary is gone or this worker is leaving). */
  #send(message: ToPrimary, failed: () => void = () => undefined): void {
    const fail = (error: unknown) => {
      this.#log.warn({ err: error }, 'could not reach the primary');
      failed();
    };
    if (!this.#channel.send || this.#channel.connected === false) return fail(new Error('the IPC channel is closed'));
    try {
      this.#channel.send(message, undefined, {}, (error) => error && fail(error));
    } catch (error) {
      fail(error);
    }
  }
}
