import type { Misconfiguration } from './finding.js';

const COMMENT_RE = /#\s*churn:ignore\s+(CP-[A-Z0-9]+-\d{3})\b[ \t:]*([^\n]*)/g;

/** id -> reason, for each 1-based line that carries a `# churn:ignore` comment. */
export type LineSuppressions = Map<number, Map<string, string>>;

/**
 * Collects `# churn:ignore CP-XX-NNN reason` comments. A trailing comment covers its own line;
 * a comment line covers the next non-comment line below it (comment blocks stack).
 */
export function collectLineSuppressions(content: string): LineSuppressions {
  const lines = content.split(/\r?\n/);
  const out: LineSuppressions = new Map();
  let pending: [string, string][] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const found: [string, string][] = [];
    if (text.includes('churn:ignore')) {
      for (const m of text.matchAll(COMMENT_RE)) found.push([m[1], m[2].trim() || 'no reason given']);
    }
    const trimmed = text.trimStart();
    const commentOnly = trimmed.startsWith('#');
    if (commentOnly || trimmed === '') {
      pending.push(...found);
      continue;
    }
    const here = [...pending, ...found];
    pending = [];
    if (here.length > 0) out.set(i + 1, new Map(here));
  }
  return out;
}

/** Marks findings whose line (or the resource start line) carries a suppression for their id. */
export function applyLineSuppressions(findings: Misconfiguration[], sup: LineSuppressions, extraLines: (f: Misconfiguration) => number[] = () => []): void {
  if (sup.size === 0) return;
  for (const f of findings) {
    if (f.suppressed) continue;
    for (const line of [f.line, ...extraLines(f)]) {
      const reason = sup.get(line)?.get(f.id);
      if (reason !== undefined) {
        f.suppressed = { reason };
        break;
      }
    }
  }
}

/**
 * Parses the `churn-predictor.io/ignore` annotation value: entries `CP-K8S-003: reason`
 * separated by `;` or newlines.
 */
export function parseIgnoreAnnotation(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(/[;\n]/)) {
    const m = /^\s*(CP-[A-Z0-9]+-\d{3})\s*:?\s*(.*)$/.exec(part);
    if (m) out.set(m[1], m[2].trim() || 'no reason given');
  }
  return out;
}

export const IGNORE_ANNOTATION = 'churn-predictor.io/ignore';
