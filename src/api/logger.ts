import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/index.js';

/** Where secrets could appear in a log line; pino replaces them before the line is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'key',
  'apiKey',
  'api_key',
  '*.key',
  '*.apiKey',
  '*.api_key',
  '*.authorization',
];

/**
 * The service's JSON logger. Request lines carry `request_id` (Fastify adds it to each
 * request's child logger), so a response header leads straight to its log lines.
 */
export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, base: { service: 'churn-predictor' } }, destination);
}
