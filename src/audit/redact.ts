import { UsageError } from '../errors.js';
import type { JsonObject, JsonValue } from './canonical.js';

export const REDACTED = '[REDACTED]';

// A field is secret when any word of its name is one of these...
const SECRET_WORDS = new Set(['secret', 'password', 'passwd', 'passphrase', 'pwd', 'authorization', 'cookie', 'credential', 'credentials', 'token', 'apikey']);
// ...or when its last word is "key" (`apiKey`, `api_key`, `x-api-key`, `privateKey`),
// so that `keyId` and `keyPrefix`, which identify a key without revealing it, stay readable.
const SECRET_LAST_WORDS = new Set(['key']);
// Our own key format and credentials in Authorization-style values, wherever they appear.
const OUR_KEY = /cp_[0-9A-Za-z]{40}/g;
const AUTH_VALUE = /^\s*(bearer|basic|token)\s+\S/i;
const MAX_DEPTH = 32;

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** True when a field of this name must never be stored in clear. */
export function isSecretName(name: string): boolean {
  const parts = words(name);
  if (parts.some((w) => SECRET_WORDS.has(w))) return true;
  const last = parts[parts.length - 1];
  return last !== undefined && SECRET_LAST_WORDS.has(last);
}

function redactString(value: string): string {
  if (AUTH_VALUE.test(value)) return REDACTED;
  return value.replace(OUR_KEY, `cp_${REDACTED}`);
}

function clean(value: unknown, depth: number): JsonValue | undefined {
  if (depth > MAX_DEPTH) throw new UsageError('Audit detail is nested too deeply (or contains a cycle)', { field: 'detail' });
  if (value === null) return null;
  if (typeof value === 'string') return redactString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1) ?? null);
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (isSecretName(k)) {
        out[k] = REDACTED;
        continue;
      }
      const cleaned = clean(v, depth + 1);
      if (cleaned !== undefined) out[k] = cleaned;
    }
    return out;
  }
  return undefined; // functions, symbols, undefined: dropped as JSON.stringify would
}

/**
 * Turns a detail object into plain JSON with secret values replaced by `[REDACTED]`:
 * fields named like keys, tokens, secrets, passwords or authorization (at any depth),
 * Authorization-style values, and any of our `cp_...` API keys inside strings.
 */
export function redactDetail(detail: Record<string, unknown>): JsonObject {
  return clean(detail, 0) as JsonObject;
}
