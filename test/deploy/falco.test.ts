import { describe, expect, it } from 'vitest';
import { isObj, parseYamlFile, type Obj } from './files.js';

// Falco is not installable here, so its rules file is checked for the structure Falco loads:
// a list of rule, macro and list items with the fields each needs, consistent references and
// conditions that at least balance.
const items = parseYamlFile('deploy/falco/churn-rules.yaml')[0];
const PRIORITIES = ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'INFO', 'DEBUG'];
// Macros Falco's default rules file defines, which these rules build on.
const FALCO_DEFAULT_MACROS = new Set(['spawned_process', 'container']);

const list = Array.isArray(items) ? items.filter(isObj) : [];
const rules = list.filter((i) => 'rule' in i);
const macros = new Map(list.filter((i) => 'macro' in i).map((m) => [String(m.macro), String(m.condition)]));
const lists = new Map(list.filter((i) => 'list' in i).map((l) => [String(l.list), l.items]));
const conditions = [...rules.map((r) => String(r.condition)), ...macros.values()];

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text.replace(/"[^"]*"/g, '')) {
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * The names a condition refers to: `refs` are bare words (macros and operators), `inItems` the
 * entries of `in (...)` lists (list names or literal values). Quoted strings and the values
 * after comparison operators are dropped first.
 */
function references(condition: string): { refs: string[]; inItems: string[] } {
  const inItems: string[] = [];
  const rest = condition
    .replace(/"[^"]*"/g, ' ')
    .replace(/\bin\s*\(([^)]*)\)/g, (_m, body: string) => {
      inItems.push(...body.split(',').map((x) => x.trim()).filter(Boolean));
      return ' ';
    })
    .replace(/(!=|<=|>=|=|<|>)\s*[^\s()]+/g, ' ');
  const refs = [...rest.matchAll(/(?<![.\w/[-])([a-z_][a-z0-9_]*)(?![.\w[/-])/g)].map((m) => m[1]);
  return { refs, inItems };
}

describe('the Falco rules', () => {
  it('are a YAML list of rule, macro, list and engine-version items only', () => {
    expect(Array.isArray(items)).toBe(true);
    for (const i of list) {
      const kinds = ['rule', 'macro', 'list', 'required_engine_version'].filter((k) => k in i);
      expect(kinds, JSON.stringify(i).slice(0, 80)).toHaveLength(1);
    }
    expect(list.length).toBe((items as unknown[]).length);
  });

  it('give every rule a description, condition, output, known priority and tags, with unique names', () => {
    expect(rules.length).toBeGreaterThanOrEqual(3);
    for (const r of rules as Obj[]) {
      for (const field of ['desc', 'condition', 'output']) expect(typeof r[field] === 'string' && (r[field] as string).trim() !== '', `${String(r.rule)}: ${field}`).toBe(true);
      expect(PRIORITIES, String(r.rule)).toContain(String(r.priority));
      expect(Array.isArray(r.tags), String(r.rule)).toBe(true);
      // Output fields are Falco field names (class.field, optionally [key]).
      for (const m of String(r.output).matchAll(/%([^\s)]+)/g)) expect(m[1], String(r.rule)).toMatch(/^[a-z0-9_]+\.[a-z0-9_.]+(\[[^\]]+\])?(:%?[a-z0-9_.]+)?$/);
    }
    const names = list.map((i) => String(i.rule ?? i.macro ?? i.list ?? 'engine'));
    expect(new Set(names).size).toBe(names.length);
  });

  it('cover a shell in the container, a write below a read-only path and an unexpected outbound connection', () => {
    const byName = (re: RegExp) => rules.filter((r) => re.test(String(r.rule)));
    const shell = byName(/shell/i);
    expect(shell).toHaveLength(1);
    expect(String(shell[0].condition)).toMatch(/spawned_process/);
    expect(String(shell[0].condition)).toMatch(/churn_shells/);
    const write = byName(/write below read-only/i);
    expect(write).toHaveLength(1);
    expect(String(write[0].condition)).toMatch(/churn_write_attempt/);
    expect(macros.get('churn_writable_path')).toMatch(/\/tmp\//);
    expect(macros.get('churn_writable_path')).toMatch(/\/data\//);
    const outbound = byName(/outbound connection/i);
    expect(outbound.length).toBeGreaterThanOrEqual(1);
    expect(lists.get('churn_allowed_ports')).toEqual([53, 5432, 6379]);
    for (const r of [...shell, ...write, ...outbound]) expect(String(r.condition), String(r.rule)).toMatch(/churn_container/);
  });

  it('have balanced conditions that use only macros and lists they define or Falco provides', () => {
    for (const c of conditions) expect(balanced(c), c).toBe(true);
    const parsed = conditions.map(references);
    const refs = new Set(parsed.flatMap((p) => p.refs));
    const inItems = new Set(parsed.flatMap((p) => p.inItems));
    const operators = ['and', 'or', 'not', 'startswith', 'endswith', 'contains', 'pmatch', 'exists'];
    for (const w of refs) expect(macros.has(w) || FALCO_DEFAULT_MACROS.has(w) || operators.includes(w), `unknown macro ${w}`).toBe(true);
    for (const w of [...inItems].filter((x) => x.startsWith('churn_'))) expect(lists.has(w), `list ${w} is not defined`).toBe(true);
    const used = new Set([...refs, ...inItems]);
    // Every macro and list is used by something, so none is dead weight.
    for (const name of [...macros.keys(), ...lists.keys()]) expect(used.has(name), `${name} is unused`).toBe(true);
  });
});
