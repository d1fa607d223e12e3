import { VulnDbError } from './errors.js';

/** The parts of an OSV record (https://ossf.github.io/osv-schema/) this project reads. */
export interface OsvRecord {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type?: string; url: string }[];
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  type: string;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvRange {
  /** SEMVER, ECOSYSTEM or GIT; other types are kept but never match. */
  type: string;
  repo?: string;
  events: OsvEvent[];
}

/** Exactly one of the four keys is set. */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export const EVENT_KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

export type OsvCheck = { ok: true; record: OsvRecord } | { ok: false; problems: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects every problem rather than stopping at the first, so one message names them all. */
class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
  string(o: Obj, key: string, path: string, required: boolean): void {
    const v = o[key];
    if (v === undefined) {
      if (required) this.add(path + key, 'is required');
    } else if (typeof v !== 'string' || (required && v === '')) {
      this.add(path + key, required ? 'must be a non-empty string' : 'must be a string');
    }
  }
  date(o: Obj, key: string, path: string, required: boolean): void {
    const before = this.list.length;
    this.string(o, key, path, required);
    const v = o[key];
    if (this.list.length === before && typeof v === 'string' && Number.isNaN(Date.parse(v))) this.add(path + key, 'must be an RFC 3339 timestamp');
  }
  strings(o: Obj, key: string, path: string): void {
    const v = o[key];
    if (v === undefined) return;
    if (!Array.isArray(v)) return this.add(path + key, 'must be an array of strings');
    v.forEach((s, i) => {
      if (typeof s !== 'string') this.add(`${path}${key}[${i}]`, 'must be a string');
    });
  }
  object(o: Obj, key: string, path: string): void {
    if (o[key] !== undefined && !isObj(o[key])) this.add(path + key, 'must be an object');
  }
  array(o: Obj, key: string, path: string, each: (item: unknown, path: string) => void): void {
    const v = o[key];
    if (v === undefined) return;
    if (!Array.isArray(v)) return this.add(path + key, 'must be an array');
    v.forEach((item, i) => each(item, `${path}${key}[${i}]`));
  }
}

function checkSeverity(p: Problems, item: unknown, path: string): void {
  if (!isObj(item)) return p.add(path, 'must be an object');
  p.string(item, 'type', path + '.', true);
  p.string(item, 'score', path + '.', true);
}

function checkEvent(p: Problems, item: unknown, path: string): void {
  if (!isObj(item)) return p.add(path, 'must be an object');
  const keys = EVENT_KINDS.filter((k) => item[k] !== undefined);
  if (keys.length !== 1) return p.add(path, `must have exactly one of ${EVENT_KINDS.join(', ')}`);
  const v = item[keys[0]];
  if (typeof v !== 'string' || v === '') p.add(`${path}.${keys[0]}`, 'must be a non-empty string');
}

function checkRange(p: Problems, item: unknown, path: string): void {
  if (!isObj(item)) return p.add(path, 'must be an object');
  p.string(item, 'type', path + '.', true);
  p.string(item, 'repo', path + '.', false);
  if (!Array.isArray(item.events) || item.events.length === 0) return p.add(path + '.events', 'must be a non-empty array');
  p.array(item, 'events', path + '.', (e, ep) => checkEvent(p, e, ep));
}

function checkAffected(p: Problems, item: unknown, path: string): void {
  if (!isObj(item)) return p.add(path, 'must be an object');
  const pkg = item.package;
  if (pkg !== undefined) {
    if (!isObj(pkg)) p.add(path + '.package', 'must be an object');
    else {
      p.string(pkg, 'ecosystem', path + '.package.', true);
      p.string(pkg, 'name', path + '.package.', true);
      p.string(pkg, 'purl', path + '.package.', false);
    }
  }
  p.array(item, 'severity', path + '.', (s, sp) => checkSeverity(p, s, sp));
  p.array(item, 'ranges', path + '.', (r, rp) => checkRange(p, r, rp));
  p.strings(item, 'versions', path + '.');
  p.object(item, 'ecosystem_specific', path + '.');
  p.object(item, 'database_specific', path + '.');
}

/**
 * Checks the shape of one parsed OSV record without throwing: the import loop skips and counts
 * bad records, so a failure here is data, not an exception.
 */
export function checkOsvRecord(value: unknown): OsvCheck {
  const p = new Problems();
  if (!isObj(value)) return { ok: false, problems: ['(record): must be a JSON object'] };
  p.string(value, 'id', '', true);
  p.date(value, 'modified', '', true);
  p.date(value, 'published', '', false);
  p.date(value, 'withdrawn', '', false);
  p.strings(value, 'aliases', '');
  p.strings(value, 'upstream', '');
  p.string(value, 'summary', '', false);
  p.string(value, 'details', '', false);
  p.array(value, 'severity', '', (s, sp) => checkSeverity(p, s, sp));
  p.array(value, 'affected', '', (a, ap) => checkAffected(p, a, ap));
  p.array(value, 'references', '', (r, rp) => {
    if (!isObj(r)) return p.add(rp, 'must be an object');
    p.string(r, 'url', rp + '.', true);
    p.string(r, 'type', rp + '.', false);
  });
  p.object(value, 'database_specific', '');
  return p.list.length === 0 ? { ok: true, record: value as unknown as OsvRecord } : { ok: false, problems: p.list };
}

/**
 * Validates one OSV record, throwing one error that lists every bad field.
 *
 * @example
 * const record = parseOsvRecord(JSON.parse(text), 'GHSA-xxxx.json');
 * @throws VulnDbError BAD_RECORD with `details.problems` (every bad field path)
 */
export function parseOsvRecord(value: unknown, source = '(record)'): OsvRecord {
  const check = checkOsvRecord(value);
  if (check.ok) return check.record;
  const shown = check.problems.slice(0, 10).join('; ');
  const more = check.problems.length > 10 ? ` (and ${check.problems.length - 10} more)` : '';
  throw new VulnDbError('BAD_RECORD', `${source} is not a valid OSV record: ${shown}${more}`, { source, problems: check.problems });
}
