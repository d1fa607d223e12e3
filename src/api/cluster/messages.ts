import type { Registry } from 'prom-client';
import type { RateLimiterStats, RuleParams } from '../../ratelimit/index.js';
import type { CacheStats } from '../prediction-cache.js';

/** What `registry.getMetricsAsJSON()` gives, the form metrics travel in between workers. */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/**
 * What one worker can ask the others, with what it sends and what each answers. Everything
 * here crosses the IPC channel as JSON, so it is plain data.
 */
export interface Topics {
  /** Load this model file, which the asking worker has just loaded as `version`. */
  'model.reload': { ask: { path: string; version: string }; answer: { version: string } };
  'cache.clear': { ask: null; answer: { cleared: number } };
  'cache.stats': { ask: null; answer: CacheStats };
  metrics: { ask: null; answer: MetricsJson };
  /** Apply this rule now (it is already stored). */
  'rate-limit.rule': { ask: { key: string; rule: RuleParams }; answer: null };
  'rate-limit.stats': { ask: null; answer: RateLimiterStats };
}

export type Topic = keyof Topics;

/** One worker's answer; a worker that failed, or did not answer in time, says why. */
export type PeerAnswer<T> = { worker: number; ok: true; value: T } | { worker: number; ok: false; error: string };

/**
 * Messages between the workers and the primary. Every type starts with `churn:` so they never
 * collide with Node's own cluster messages or anybody else's; anything else is ignored.
 */
export type ToPrimary =
  /** A worker asks every other worker (`id` is the asking worker's own). */
  | { type: 'churn:ask'; id: number; topic: string; payload: unknown; timeoutMs: number }
  /** A worker answers the primary's question `id`. */
  | { type: 'churn:answer'; id: number; ok: boolean; value?: unknown; error?: string }
  /** A worker wants the service-wide lock `name` (its request `id`); `churn:locked` grants it. */
  | { type: 'churn:lock'; id: number; name: string }
  /** A worker is done with the lock (or gives up waiting for it). */
  | { type: 'churn:unlock'; id: number; name: string };

export type ToWorker =
  /** Answer `topic` (the primary collects the answers under its own `id`). */
  | { type: 'churn:question'; id: number; topic: string; payload: unknown }
  /** The answers to this worker's ask `id`. */
  | { type: 'churn:answers'; id: number; answers: PeerAnswer<unknown>[] }
  /** This worker's lock request `id` is granted: it holds the lock until it unlocks. */
  | { type: 'churn:locked'; id: number }
  /** Stop in order: finish the requests in flight, close, exit. */
  | { type: 'churn:shutdown'; signal: string };

function record(m: unknown): Record<string, unknown> | null {
  return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : null;
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A message for the primary, or null for anything that is not one of ours (ignored). */
export function parseToPrimary(message: unknown): ToPrimary | null {
  const m = record(message);
  if (m === null || !isId(m.id)) return null;
  if (m.type === 'churn:ask' && typeof m.topic === 'string' && typeof m.timeoutMs === 'number') return m as ToPrimary;
  if (m.type === 'churn:answer' && typeof m.ok === 'boolean') return m as ToPrimary;
  if ((m.type === 'churn:lock' || m.type === 'churn:unlock') && typeof m.name === 'string') return m as ToPrimary;
  return null;
}

/** A message for a worker, or null for anything that is not one of ours (ignored). */
export function parseToWorker(message: unknown): ToWorker | null {
  const m = record(message);
  if (m === null) return null;
  if (m.type === 'churn:shutdown' && typeof m.signal === 'string') return m as ToWorker;
  if (!isId(m.id)) return null;
  if (m.type === 'churn:question' && typeof m.topic === 'string') return m as ToWorker;
  if (m.type === 'churn:answers' && Array.isArray(m.answers)) return m as ToWorker;
  if (m.type === 'churn:locked') return m as ToWorker;
  return null;
}
