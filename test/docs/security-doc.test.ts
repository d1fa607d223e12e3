import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/index.js';
import { checkSecurityPolicies, renderPolicyReport } from '../../src/security/policy/index.js';

const repo = (rel: string) => new URL(`../../${rel}`, import.meta.url).pathname;
const doc = readFileSync(repo('docs/SECURITY.md'), 'utf8');

/** The text between two marker lines (markers on lines of their own: the regeneration command quotes them inline). */
function between(text: string, begin: string, end: string): string {
  const a = text.indexOf(`\n${begin}\n`);
  const b = text.indexOf(`\n${end}\n`, a + 1);
  if (a < 0 || b < 0) throw new Error(`docs/SECURITY.md lacks the ${begin} … ${end} marker lines`);
  return text.slice(a + begin.length + 2, b + 1);
}

describe('docs/SECURITY.md', () => {
  it('its policy tables are the output of `churn security-policies --format markdown` for this repository', async () => {
    // No environment overrides: the doc shows the policy file's thresholds.
    const { report } = await checkSecurityPolicies({ deployDir: repo('deploy'), config: loadConfig({}) });
    const expected = renderPolicyReport('markdown', report);
    const shown = between(doc, '<!-- policies:begin -->', '<!-- policies:end -->');
    expect(shown, 'the deploy or policy files changed: regenerate the tables with the command in docs/SECURITY.md ("Policies and their status")').toBe(expected);
  });

  it('names every environment variable the configuration reads', () => {
    const names = [...new Set([...readFileSync(repo('src/config/index.ts'), 'utf8').matchAll(/env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]))];
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((n) => !new RegExp(`\\b${n}\\b`).test(doc))).toEqual([]);
  });

  it('documents every security command the CLI has', () => {
    const quiet = { out() {}, info() {}, error() {}, progress: () => ({ update() {}, done() {} }), stdout: process.stdout };
    const commands = buildProgram(quiet).commands.map((c) => c.name());
    const security = commands.filter((n) => /^(security-|vuln-db$|sign$|verify|generate-key-pair$|audit$)/.test(n));
    expect(security).toEqual(expect.arrayContaining(['security-scan', 'security-policies', 'vuln-db', 'audit']));
    expect(security.filter((n) => !doc.includes(`churn ${n}`))).toEqual([]);
  });
});
