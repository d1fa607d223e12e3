import { shannonEntropy } from './entropy.js';
import { compileIgnore, type IgnoreMatcher } from './ignore.js';
import { KeywordIndex, type KeywordHits } from './keywords.js';
import { placeholderReason } from './placeholder.js';
import { fingerprint, redact } from './redact.js';
import { SECRET_RULES } from './rules.js';
import type { ScanSecretsOptions, SecretFinding, SecretOrigin, SecretRule } from './types.js';

/** An inline comment on the line of a match that accepts it. */
export const ALLOW_COMMENT = 'churn:allow-secret';
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
/**
 * Paths skipped unless told otherwise: code the project did not write (dependencies, vendored
 * trees) and files an operating system package owns (documentation, headers, libraries,
 * language runtimes, translations). Their "secrets" are test vectors, sample configuration and
 * identifiers; scanning them buries real findings. Vulnerabilities in them are the package
 * scanner's business. Gitignore syntax: anchored entries apply to image roots.
 */
export const DEFAULT_SKIPS: readonly string[] = [
  'node_modules/',
  'vendor/',
  '.git/',
  '/usr/share/',
  '/usr/include/',
  '/usr/lib/',
  '/usr/local/lib/python*/',
  '/usr/local/go/',
  'locale/',
  'locales/',
];
/** How far into a file a NUL byte marks it binary (as git decides). */
const BINARY_PROBE = 8000;
const MATCH_DISPLAY = 120;

interface CompiledRule {
  rule: SecretRule;
  regex: RegExp;
  /** Anchored rules: a sticky copy, tried only where the rule's keywords start. */
  sticky: RegExp | null;
}

interface Compiled {
  rules: CompiledRule[];
  keywords: KeywordIndex;
  maxBytes: number;
  skipPath: IgnoreMatcher | null;
  allowValue: (secret: string) => boolean;
  baseline: ReadonlySet<string>;
  placeholders: 'drop' | 'low';
}

const cache = new WeakMap<ScanSecretsOptions, Compiled>();
/**
 * The one object that stands for "no options": compiled state is cached per options object,
 * so a fresh `{}` default per call would recompile every rule (and the keyword index) per file.
 */
export const NO_OPTIONS: ScanSecretsOptions = Object.freeze({});

function compileOptions(options: ScanSecretsOptions): Compiled {
  const hit = cache.get(options);
  if (hit !== undefined) return hit;
  const rules = (options.rules ?? SECRET_RULES).map((rule) => {
    // A private copy with `d` (match indices): the secret group's offset, and no shared lastIndex.
    const flags = new Set([...rule.regex.flags, 'g', 'd']);
    const sticky = rule.anchored === true ? new RegExp(rule.regex.source, [...flags].join('').replace('g', 'y')) : null;
    return { rule, regex: new RegExp(rule.regex.source, [...flags].join('')), sticky };
  });
  const located = new Set(rules.flatMap((r, i) => (r.sticky === null ? [] : [i])));
  const byKeyword = new Map<string, number[]>();
  rules.forEach(({ rule }, i) => {
    for (const k of rule.keywords) {
      const key = k.toLowerCase();
      byKeyword.set(key, [...(byKeyword.get(key) ?? []), i]);
    }
  });
  const ignoreLines = [...(options.defaultSkips === false ? [] : DEFAULT_SKIPS), ...(options.allow?.paths ?? []), ...(options.ignore === undefined ? [] : options.ignore.split(/\r?\n/))];
  const values = options.allow?.values ?? [];
  const exact = new Set(values.filter((v): v is string => typeof v === 'string'));
  const patterns = values.filter((v): v is RegExp => v instanceof RegExp).map((r) => new RegExp(r.source, r.flags.replace(/[gy]/g, '')));
  const compiled: Compiled = {
    rules,
    keywords: new KeywordIndex(byKeyword, located),
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    skipPath: ignoreLines.length > 0 ? compileIgnore(ignoreLines) : null,
    allowValue: (s) => exact.has(s) || patterns.some((p) => p.test(s)),
    baseline: options.baseline instanceof Set ? options.baseline : new Set(options.baseline as readonly string[] | undefined),
    placeholders: options.placeholders ?? 'drop',
  };
  cache.set(options, compiled);
  return compiled;
}

/** Whether `path` is scanned at all under these options (not ignored, not allow-listed). */
export function isPathScanned(path: string, options: ScanSecretsOptions = NO_OPTIONS): boolean {
  return !(compileOptions(options).skipPath?.ignores(path) ?? false);
}

/** Whether the content is scanned: not over the size limit and no NUL byte near the start. */
export function isScannableContent(content: Buffer, maxBytes = DEFAULT_MAX_BYTES): boolean {
  return content.length <= maxBytes && content.subarray(0, BINARY_PROBE).indexOf(0) < 0;
}

interface RawMatch {
  rule: SecretRule;
  index: number;
  end: number;
  secret: string;
  secretStart: number;
  text: string;
  placeholder: string | null;
}

function findMatches(text: string, hits: KeywordHits, c: Compiled): RawMatch[] {
  const out: RawMatch[] = [];
  const consider = (rule: SecretRule, m: RegExpExecArray): void => {
    const span = m.indices?.groups?.secret;
    const secret = m.groups?.secret ?? m[0];
    const secretStart = span?.[0] ?? m.index;
    // A placeholder is judged before entropy and allow patterns, so `low` mode can still say why.
    const placeholder = placeholderReason(secret);
    if (placeholder === null && rule.allow?.some((a) => a.test(secret))) return;
    if (placeholder === null && rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return;
    out.push({ rule, index: m.index, end: m.index + m[0].length, secret, secretStart, text: m[0], placeholder });
  };
  for (const i of hits.rules) {
    const { rule, regex, sticky } = c.rules[i];
    if (sticky !== null) {
      // The same matches a global search finds, since none can start elsewhere: tried at each
      // keyword start, skipping starts inside the previous match.
      let end = 0;
      for (const at of hits.at.get(i) ?? []) {
        if (at < end) continue;
        sticky.lastIndex = at;
        const m = sticky.exec(text);
        if (m === null || m[0].length === 0) continue;
        end = m.index + m[0].length;
        consider(rule, m);
      }
      continue;
    }
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      consider(rule, m);
    }
  }
  return out;
}

/** A generic rule's match that overlaps a specific rule's secret says the same thing, less precisely. */
function dropShadowed(matches: RawMatch[]): RawMatch[] {
  const spans = matches
    .filter((m) => m.rule.category !== 'Generic')
    .map((m) => [m.secretStart, m.secretStart + m.secret.length] as const)
    .sort((a, b) => a[0] - b[0]);
  if (spans.length === 0) return matches;
  // Merged, the spans are disjoint and sorted by both ends: one binary search per generic match.
  const merged: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = merged.at(-1);
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const overlaps = (start: number, end: number): boolean => {
    let lo = 0;
    let hi = merged.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (merged[mid][1] <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo < merged.length && merged[lo][0] < end;
  };
  return matches.filter((m) => m.rule.category !== 'Generic' || !overlaps(m.secretStart, m.secretStart + m.secret.length));
}

function display(m: RawMatch): string {
  const offset = m.secretStart - m.index;
  const shown = m.text.slice(0, offset) + redact(m.secret) + m.text.slice(offset + m.secret.length);
  const oneLine = shown.replace(/\r?\n/g, ' ');
  return oneLine.length > MATCH_DISPLAY ? `${oneLine.slice(0, MATCH_DISPLAY)}…` : oneLine;
}

/**
 * Scans one file's content for secrets. Binary (a NUL byte near the start), oversized and ignored
 * files give no findings. Options are compiled once per options object (keep reusing it). Keywords are checked before any regex; line numbers are computed only
 * for matches. Findings never carry the whole secret.
 *
 * @example
 * const findings = scanSecrets(readFileSync('.env'), '/app/.env', { ignore: readFileSync('.churnignore', 'utf8') });
 */
export function scanSecrets(content: Buffer, path: string, options: ScanSecretsOptions = NO_OPTIONS, origin: SecretOrigin = {}): SecretFinding[] {
  const c = compileOptions(options);
  if (!isScannableContent(content, c.maxBytes) || (c.skipPath?.ignores(path) ?? false)) return [];
  const hits = c.keywords.scan(content);
  if (hits.rules.size === 0) return [];
  // latin1 keeps one character per byte: columns are byte offsets, and decoding is cheapest.
  const text = content.toString('latin1');
  const matches = dropShadowed(findMatches(text, hits, c)).sort((a, b) => a.index - b.index || a.rule.id.localeCompare(b.rule.id));
  const findings: SecretFinding[] = [];
  // Lines are found lazily and each newline is visited once, however many matches share a line.
  let line = 1;
  let lineStart = 0;
  let nextNl = text.indexOf('\n');
  let allowedLine = -1;
  let checkedLine = 0;
  for (const m of matches) {
    while (nextNl >= 0 && nextNl < m.index) {
      line++;
      lineStart = nextNl + 1;
      nextNl = text.indexOf('\n', lineStart);
    }
    if (checkedLine !== line) {
      checkedLine = line;
      if (text.slice(lineStart, nextNl < 0 ? text.length : nextNl).includes(ALLOW_COMMENT)) allowedLine = line;
    }
    if (allowedLine === line || c.allowValue(m.secret)) continue;
    const reason = m.placeholder;
    if (reason !== null && c.placeholders === 'drop') continue;
    const fp = fingerprint(m.rule.id, path, m.secret);
    findings.push({
      ruleId: m.rule.id,
      category: m.rule.category,
      severity: reason === null ? m.rule.severity : 'LOW',
      title: m.rule.title,
      path,
      line,
      column: m.index - lineStart + 1,
      match: display(m),
      fingerprint: fp,
      ...(origin.layer === undefined ? {} : { layer: origin.layer }),
      ...(origin.deleted === undefined ? {} : { deleted: origin.deleted }),
      ...(reason === null ? {} : { reason: `placeholder: ${reason}` }),
      ...(c.baseline.has(fp) ? { baseline: true } : {}),
    });
  }
  return findings;
}
