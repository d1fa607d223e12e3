import type { YNode } from '../misconfig/yaml-node.js';
import type { PolicyProblem } from './errors.js';

export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? `"${v.slice(0, 60)}"` : JSON.stringify(v) ?? String(v);
}

/**
 * Reads typed fields out of a YAML node and collects every problem (path, line, message)
 * instead of stopping at the first, so one error can list them all.
 */
export class FieldReader {
  readonly problems: PolicyProblem[] = [];

  add(path: string, line: number, message: string): void {
    this.problems.push({ path, line, message });
  }

  /** True when `node` is a map; flags keys outside `allowed`. */
  map(node: YNode | undefined, path: string, allowed: readonly string[], parentLine = 0): node is YNode {
    if (!node) {
      this.add(path, parentLine, 'is required');
      return false;
    }
    if (!node.isMap()) {
      this.add(path, node.line, `must be a mapping, got ${describe(node.js())}`);
      return false;
    }
    for (const k of node.keys()) {
      if (!allowed.includes(k)) this.add(child(path, k), node.get(k)?.line ?? node.line, `unknown field (allowed: ${allowed.join(', ')})`);
    }
    return true;
  }

  str(parent: YNode, key: string, path: string, opts: { required?: boolean; oneOf?: readonly string[]; pattern?: RegExp; hint?: string } = {}): string | undefined {
    const p = child(path, key);
    const n = parent.get(key);
    if (!n) {
      if (opts.required !== false) this.add(p, parent.line, 'is required');
      return undefined;
    }
    const v = n.scalar();
    if (typeof v !== 'string' || v.trim() === '') {
      this.add(p, n.line, `must be a non-empty string, got ${describe(n.js())}`);
      return undefined;
    }
    if (opts.oneOf && !opts.oneOf.includes(v)) {
      this.add(p, n.line, `must be one of ${opts.oneOf.join(', ')}, got ${describe(v)}`);
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      this.add(p, n.line, `${opts.hint ?? `must match ${String(opts.pattern)}`}, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /**
   * A whole number, or null for a node holding `keyword` (e.g. `unlimited`, `none`) or YAML null.
   * Returns undefined when missing or invalid.
   */
  count(parent: YNode, key: string, path: string, opts: { min?: number; max?: number; keyword?: string; required?: boolean } = {}): number | null | undefined {
    const p = child(path, key);
    const n = parent.get(key);
    if (!n) {
      if (opts.required !== false) this.add(p, parent.line, 'is required');
      return undefined;
    }
    const v = n.scalar();
    if (opts.keyword !== undefined && (v === null || v === opts.keyword)) return null;
    const min = opts.min ?? 0;
    const max = opts.max ?? 1_000_000;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.add(p, n.line, `must be a whole number from ${min} to ${max}${opts.keyword ? ` or ${opts.keyword}` : ''}, got ${describe(n.js())}`);
      return undefined;
    }
    return v;
  }

  /** A list of non-empty strings (a single string is not accepted: lists are lists). */
  strList(parent: YNode, key: string, path: string, opts: { required?: boolean; nonEmpty?: boolean; pattern?: RegExp; hint?: string } = {}): string[] | undefined {
    const p = child(path, key);
    const n = parent.get(key);
    if (!n) {
      if (opts.required !== false) this.add(p, parent.line, 'is required');
      return undefined;
    }
    if (!Array.isArray(n.js())) {
      this.add(p, n.line, `must be a list, got ${describe(n.js())}`);
      return undefined;
    }
    const out: string[] = [];
    n.items().forEach((item, i) => {
      const v = item.scalar();
      if (typeof v !== 'string' || v.trim() === '') this.add(child(p, i), item.line, `must be a non-empty string, got ${describe(item.js())}`);
      else if (opts.pattern && !opts.pattern.test(v)) this.add(child(p, i), item.line, `${opts.hint ?? `must match ${String(opts.pattern)}`}, got ${describe(v)}`);
      else out.push(v);
    });
    if (opts.nonEmpty && n.items().length === 0) this.add(p, n.line, 'must list at least one entry');
    return out;
  }

  /** A list of port numbers. */
  ports(parent: YNode, key: string, path: string, fallback: number[]): number[] {
    const p = child(path, key);
    const n = parent.get(key);
    if (!n) return fallback;
    const items = Array.isArray(n.js()) ? n.items() : null;
    if (!items || items.length === 0) {
      this.add(p, n.line, 'must be a non-empty list of ports');
      return fallback;
    }
    const out: number[] = [];
    items.forEach((item, i) => {
      const v = item.scalar();
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) this.add(child(p, i), item.line, `must be a port from 1 to 65535, got ${describe(item.js())}`);
      else out.push(v);
    });
    return out;
  }
}
