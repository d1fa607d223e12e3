import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Every setting read from the environment, parsed and checked once at start-up. A bad value stops
 * the program with a message naming the variable instead of surfacing later as odd behaviour.
 */
export interface Config {
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dataDir: string;
  modelPath: string;
  /** The deploy folder `GET /admin/security/policies` evaluates (DEPLOY_DIR, default ./deploy). */
  deployDir: string;
  /** `sqlite:<path>` (default, under the data directory) or `postgres://…`. */
  databaseUrl: string;
  redisUrl: string | null;
  rateLimitEnabled: boolean;
  rateLimitBackend: 'memory' | 'redis';
  trustProxy: boolean;
  requireAuthForPredict: boolean;
  /** Optional admin key provisioned from a secret; accepted besides the keys in the store. */
  apiSecretKey: string | null;
  corsOrigins: string[];
  /** Probability cut-offs for risk levels: below `riskMedium` low, from `riskHigh` high. */
  riskMedium: number;
  riskHigh: number;
  batchMaxRows: number;
  batchMaxBytes: number;
  bodyLimitBytes: number;
  predictionCacheSize: number;
  shutdownTimeoutMs: number;
  /** Processes serving HTTP (WORKERS: 1-64 or `auto`, one per available CPU); 1 runs no cluster at all. */
  workers: number;
  demoRows: number;
  demoSeed: number;
  security: {
    scanEnabled: boolean;
    maxCritical: number;
    maxHigh: number;
    maxMedium: number;
    failOnVulnerabilities: boolean;
    runAsNonRoot: boolean;
    readOnlyRootFilesystem: boolean;
    dropAllCapabilities: boolean;
    allowedIngressPorts: number[];
    enableNetworkPolicies: boolean;
    /** Days from first seen until a finding of each severity is overdue; null: never due. */
    dueDays: { CRITICAL: number | null; HIGH: number | null; MEDIUM: number | null; LOW: number | null; UNKNOWN: number | null };
    /** The folder under which POST /admin/security/scan may scan local paths; null: local paths refused. */
    scanRoot: string | null;
    /** Scans the API keeps waiting behind the running one before refusing more. */
    scanQueueLength: number;
    /** Gate limits and due days set in the environment; they override the policy file's (absent: not set). */
    thresholdOverrides: Partial<Record<'critical' | 'high' | 'medium' | 'low', number>>;
    dueDayOverrides: Partial<Record<'critical' | 'high' | 'medium' | 'low', number | null>>;
  };
}

export type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function text(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function intFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`environment variable ${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return v;
}

/** Days until due: a whole number, or `none` (never due). */
function optionalIntFromEnv(env: Env, name: string, fallback: number | null): number | null {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (raw.toLowerCase() === 'none') return null;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0 || v > 3650) throw new UsageError(`environment variable ${name} must be a whole number of days from 0 to 3650, or none, got "${raw}"`);
  return v;
}

/** A value only when the variable is set, so a file's value stands otherwise. */
function given<T>(env: Env, name: string, read: (name: string) => T): T | undefined {
  return text(env, name) === undefined ? undefined : read(name);
}

function floatFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) throw new UsageError(`environment variable ${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return v;
}

export function boolFromEnv(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new UsageError(`environment variable ${name} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const v = raw.toLowerCase() as T;
  if (!allowed.includes(v)) throw new UsageError(`environment variable ${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return v;
}

function portList(env: Env, name: string, fallback: number[]): number[] {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  return raw.split(',').map((p) => {
    const v = Number(p.trim());
    if (!Number.isInteger(v) || v < 1 || v > 65535) throw new UsageError(`environment variable ${name} must be a comma-separated list of ports, got "${raw}"`);
    return v;
  });
}

const MAX_WORKERS = 64;

/** WORKERS: a whole number, or `auto` for one worker per CPU the process may use (capped like a number). */
function workersFromEnv(env: Env): number {
  const raw = text(env, 'WORKERS');
  if (raw?.toLowerCase() === 'auto') return Math.min(MAX_WORKERS, Math.max(1, availableParallelism()));
  const v = Number(raw ?? '1');
  if (!Number.isInteger(v) || v < 1 || v > MAX_WORKERS) throw new UsageError(`environment variable WORKERS must be a whole number from 1 to ${MAX_WORKERS}, or auto, got "${raw}"`);
  return v;
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(text(env, 'DATA_DIR') ?? 'data');
  const databaseUrl = text(env, 'DATABASE_URL') ?? `sqlite:${resolve(dataDir, 'churn.db')}`;
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new UsageError('environment variable DATABASE_URL must start with sqlite: or postgres://');
  }
  const redisUrl = text(env, 'REDIS_URL') ?? null;
  const rateLimitBackend = oneOf(env, 'RATE_LIMIT_BACKEND', ['memory', 'redis'] as const, 'memory');
  if (rateLimitBackend === 'redis' && redisUrl === null) throw new UsageError('RATE_LIMIT_BACKEND=redis needs REDIS_URL');
  const apiSecretKey = text(env, 'API_SECRET_KEY') ?? null;
  if (apiSecretKey !== null && apiSecretKey.length < 24) throw new UsageError('environment variable API_SECRET_KEY must be at least 24 characters long');
  const riskMedium = floatFromEnv(env, 'RISK_MEDIUM_THRESHOLD', 0.3, 0, 1);
  const riskHigh = floatFromEnv(env, 'RISK_HIGH_THRESHOLD', 0.6, 0, 1);
  if (riskMedium > riskHigh) throw new UsageError('RISK_MEDIUM_THRESHOLD must not be above RISK_HIGH_THRESHOLD');
  const scanRoot = text(env, 'SECURITY_SCAN_ROOT');
  return {
    host: text(env, 'HOST') ?? '0.0.0.0',
    port: intFromEnv(env, 'PORT', 8000, 0, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    dataDir,
    modelPath: resolve(text(env, 'MODEL_PATH') ?? `${dataDir}/model.json`),
    deployDir: resolve(text(env, 'DEPLOY_DIR') ?? 'deploy'),
    databaseUrl,
    redisUrl,
    rateLimitEnabled: boolFromEnv(env, 'RATE_LIMIT_ENABLED', true),
    rateLimitBackend,
    trustProxy: boolFromEnv(env, 'TRUST_PROXY', false),
    requireAuthForPredict: boolFromEnv(env, 'REQUIRE_AUTH_FOR_PREDICT', false),
    apiSecretKey,
    corsOrigins: (text(env, 'CORS_ORIGINS') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    riskMedium,
    riskHigh,
    batchMaxRows: intFromEnv(env, 'BATCH_MAX_ROWS', 1_000_000, 1, 100_000_000),
    batchMaxBytes: intFromEnv(env, 'BATCH_MAX_BYTES', 256 * 1024 * 1024, 1024, 8 * 1024 * 1024 * 1024),
    bodyLimitBytes: intFromEnv(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    predictionCacheSize: intFromEnv(env, 'PREDICTION_CACHE_SIZE', 10_000, 0, 10_000_000),
    shutdownTimeoutMs: intFromEnv(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    workers: workersFromEnv(env),
    demoRows: intFromEnv(env, 'DEMO_ROWS', 5000, 200, 10_000_000),
    demoSeed: intFromEnv(env, 'DEMO_SEED', 42, 0, 2 ** 32 - 1),
    security: {
      scanEnabled: boolFromEnv(env, 'SECURITY_SCAN_ENABLED', true),
      maxCritical: intFromEnv(env, 'MAX_CRITICAL_VULNERABILITIES', 0, 0, 1_000_000),
      maxHigh: intFromEnv(env, 'MAX_HIGH_VULNERABILITIES', 0, 0, 1_000_000),
      maxMedium: intFromEnv(env, 'MAX_MEDIUM_VULNERABILITIES', 5, 0, 1_000_000),
      failOnVulnerabilities: boolFromEnv(env, 'FAIL_ON_VULNERABILITIES', true),
      runAsNonRoot: boolFromEnv(env, 'RUN_AS_NON_ROOT', true),
      readOnlyRootFilesystem: boolFromEnv(env, 'READ_ONLY_ROOT_FILESYSTEM', true),
      dropAllCapabilities: boolFromEnv(env, 'DROP_ALL_CAPABILITIES', true),
      allowedIngressPorts: portList(env, 'ALLOWED_INGRESS_PORTS', [8000]),
      enableNetworkPolicies: boolFromEnv(env, 'ENABLE_NETWORK_POLICIES', true),
      dueDays: {
        CRITICAL: optionalIntFromEnv(env, 'VULN_DUE_DAYS_CRITICAL', 0),
        HIGH: optionalIntFromEnv(env, 'VULN_DUE_DAYS_HIGH', 7),
        MEDIUM: optionalIntFromEnv(env, 'VULN_DUE_DAYS_MEDIUM', 30),
        LOW: optionalIntFromEnv(env, 'VULN_DUE_DAYS_LOW', null),
        UNKNOWN: optionalIntFromEnv(env, 'VULN_DUE_DAYS_UNKNOWN', null),
      },
      scanRoot: scanRoot === undefined ? null : resolve(scanRoot),
      scanQueueLength: intFromEnv(env, 'SECURITY_SCAN_QUEUE_LENGTH', 5, 0, 1000),
      thresholdOverrides: {
        critical: given(env, 'MAX_CRITICAL_VULNERABILITIES', (n) => intFromEnv(env, n, 0, 0, 1_000_000)),
        high: given(env, 'MAX_HIGH_VULNERABILITIES', (n) => intFromEnv(env, n, 0, 0, 1_000_000)),
        medium: given(env, 'MAX_MEDIUM_VULNERABILITIES', (n) => intFromEnv(env, n, 0, 0, 1_000_000)),
        low: given(env, 'MAX_LOW_VULNERABILITIES', (n) => intFromEnv(env, n, 0, 0, 1_000_000)),
      },
      dueDayOverrides: {
        critical: given(env, 'VULN_DUE_DAYS_CRITICAL', (n) => optionalIntFromEnv(env, n, null)),
        high: given(env, 'VULN_DUE_DAYS_HIGH', (n) => optionalIntFromEnv(env, n, null)),
        medium: given(env, 'VULN_DUE_DAYS_MEDIUM', (n) => optionalIntFromEnv(env, n, null)),
        low: given(env, 'VULN_DUE_DAYS_LOW', (n) => optionalIntFromEnv(env, n, null)),
      },
    },
  };
}
