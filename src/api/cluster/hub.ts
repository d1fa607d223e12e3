import type { Logger } from 'pino';
import { parseToPrimary, type PeerAnswer, type ToWorker } from './messages.js';

/** A worker as the hub sees it: an id and a way to send it a message. */
export interface HubEndpoint {
  id: number;
  send(message: ToWorker): void;
}

interface Pending {
  requester: number;
  askId: number;
  waiting: Set<number>;
  answers: PeerAnswer<unknown>[];
  timer: NodeJS.Timeout;
}

/** A worker's lock request. */
interface LockRequest {
  worker: number;
  id: number;
}

/** An ask waits at least this long and at most this long for the other workers. */
const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 60_000;

/**
 * The primary's message hub. A worker's ask becomes a question to every other worker that is
 * serving; their answers are collected and sent back to the asker in one message, when all
 * have answered, when the ones still silent have exited, or at the ask's timeout (the silent
 * ones then count as failed). The hub itself holds no service state: it only routes.
 */
export class ClusterHub {
  readonly #log: Logger;
  readonly #workers = new Map<number, HubEndpoint>();
  readonly #pending = new Map<number, Pending>();
  /** Service-wide locks: the holder, then the requests waiting in order. */
  readonly #locks = new Map<string, LockRequest[]>();
  readonly #onAsk: (from: number, topic: string, payload: unknown) => void;
  #nextId = 1;

  constructor(options: { log: Logger; onAsk?: (from: number, topic: string, payload: unknown) => void }) {
    this.#log = options.log;
    this.#onAsk = options.onAsk ?? (() => undefined);
  }

  /** Workers that are serving (and so can answer). */
  get size(): number {
    return this.#workers.size;
  }

  /** A worker is serving: from now on it is asked too. */
  join(worker: HubEndpoint): void {
    this.#workers.set(worker.id, worker);
  }

  /** A worker has gone: questions it has not answered count as failed, its own asks and locks are dropped. */
  leave(id: number): void {
    this.#workers.delete(id);
    for (const [name, queue] of this.#locks) {
      const held = queue[0]?.worker === id;
      this.#locks.set(name, queue.filter((r) => r.worker !== id));
      if (held) this.#grant(name);
    }
    for (const [qid, p] of this.#pending) {
      if (p.requester === id) this.#drop(qid);
      else if (p.waiting.has(id)) this.#record(qid, { worker: id, ok: false, error: 'the worker exited before answering' });
    }
  }

  /** Sends a question to one worker outside any ask (a late joiner catching up); its answer is only logged. */
  tell(id: number, topic: string, payload: unknown): void {
    const worker = this.#workers.get(id);
    if (!worker) return;
    const qid = this.#nextId++;
    const timer = setTimeout(() => this.#drop(qid), MAX_TIMEOUT_MS);
    this.#pending.set(qid, { requester: -1, askId: 0, waiting: new Set([id]), answers: [], timer });
    this.#send(worker, { type: 'churn:question', id: qid, topic, payload });
  }

  /** Handles one message from worker `from`; anything that is not ours is ignored. */
  receive(from: number, raw: unknown): void {
    const m = parseToPrimary(raw);
    if (m === null) return;
    if (m.type === 'churn:lock') {
      const queue = this.#locks.get(m.name) ?? [];
      queue.push({ worker: from, id: m.id });
      this.#locks.set(m.name, queue);
      if (queue.length === 1) this.#grant(m.name);
      return;
    }
    if (m.type === 'churn:unlock') {
      const queue = this.#locks.get(m.name) ?? [];
      const at = queue.findIndex((r) => r.worker === from && r.id === m.id);
      if (at === -1) return;
      queue.splice(at, 1);
      if (at === 0) this.#grant(m.name);
      return;
    }
    if (m.type === 'churn:answer') {
      const p = this.#pending.get(m.id);
      if (!p?.waiting.has(from)) return;
      this.#record(m.id, m.ok ? { worker: from, ok: true, value: m.value } : { worker: from, ok: false, error: typeof m.error === 'string' ? m.error : 'failed' });
      return;
    }
    this.#onAsk(from, m.topic, m.payload);
    const others = [...this.#workers.values()].filter((w) => w.id !== from);
    const qid = this.#nextId++;
    const timeoutMs = Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, m.timeoutMs));
    const timer = setTimeout(() => this.#expire(qid, timeoutMs), timeoutMs);
    this.#pending.set(qid, { requester: from, askId: m.id, waiting: new Set(others.map((w) => w.id)), answers: [], timer });
    for (const w of others) this.#send(w, { type: 'churn:question', id: qid, topic: m.topic, payload: m.payload });
    this.#complete(qid);
  }

  /** Stops every timer; asks still open get no answer (their workers are stopping). */
  close(): void {
    for (const qid of [...this.#pending.keys()]) this.#drop(qid);
  }

  /** Hands lock `name` to the first request waiting for it, if any. */
  #grant(name: string): void {
    const queue = this.#locks.get(name) ?? [];
    while (queue.length > 0 && !this.#workers.has(queue[0].worker)) queue.shift();
    if (queue.length === 0) {
      this.#locks.delete(name);
      return;
    }
    this.#send(this.#workers.get(queue[0].worker) as HubEndpoint, { type: 'churn:locked', id: queue[0].id });
  }

  #record(qid: number, answer: PeerAnswer<unknown>): void {
    const p = this.#pending.get(qid);
    if (!p) return;
    p.waiting.delete(answer.worker);
    p.answers.push(answer);
    if (!answer.ok) this.#log.warn({ worker_id: answer.worker, error: answer.error }, 'a worker could not answer');
    this.#complete(qid);
  }

  #expire(qid: number, timeoutMs: number): void {
    const p = this.#pending.get(qid);
    if (!p) return;
    for (const id of p.waiting) p.answers.push({ worker: id, ok: false, error: `no answer within ${timeoutMs} ms` });
    p.waiting.clear();
    this.#complete(qid);
  }

  #complete(qid: number): void {
    const p = this.#pending.get(qid);
    if (!p || p.waiting.size > 0) return;
    this.#drop(qid);
    const requester = this.#workers.get(p.requester);
    if (requester) this.#send(requester, { type: 'churn:answers', id: p.askId, answers: p.answers });
  }

  #drop(qid: number): void {
    const p = this.#pending.get(qid);
    if (!p) return;
    clearTimeout(p.timer);
    this.#pending.delete(qid);
  }

  #send(worker: HubEndpoint, message: ToWorker): void {
    try {
      worker.send(message);
    } catch (error) {
      // The worker is exiting; its exit event will take it out of the hub.
      this.#log.warn({ err: error, worker_id: worker.id }, 'could not reach a worker');
    }
  }
}
