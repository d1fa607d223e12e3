import { describe, expect, it } from 'vitest';
import { SECRET_RULES } from '../../../src/security/secrets/rules.js';
import { scanSecrets } from '../../../src/security/secrets/scanner.js';
import { RULE_CASES } from './cases.js';

const ids = (text: string): string[] => scanSecrets(Buffer.from(text), '/src/app.env').map((f) => f.ruleId);

describe('the built-in secret rules', () => {
  it('are at least 40, with unique ids, lower-case keywords, and a test case each', () => {
    expect(SECRET_RULES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(SECRET_RULES.map((r) => r.id)).size).toBe(SECRET_RULES.length);
    for (const r of SECRET_RULES) {
      expect(r.keywords.length, r.id).toBeGreaterThan(0);
      for (const k of r.keywords) expect(k, r.id).toBe(k.toLowerCase());
      expect(r.regex.flags, r.id).toContain('g');
    }
    expect(Object.keys(RULE_CASES).sort()).toEqual(SECRET_RULES.map((r) => r.id).sort());
  });

  it('holds every regex to bounded repetition (no *, + or open-ended {n,})', () => {
    for (const r of SECRET_RULES) {
      // Escaped characters and class contents aside, no unbounded quantifier may remain.
      const bare = r.regex.source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, 'C');
      expect(bare, r.id).not.toMatch(/[*+]|\{\d+,\}/);
    }
  });

  for (const rule of SECRET_RULES) {
    describe(rule.id, () => {
      const c = RULE_CASES[rule.id];
      it('reports the positive case with its own id', () => {
        expect(ids(c.positive)).toContain(rule.id);
      });
      it('does not report the near miss', () => {
        expect(ids(c.negative)).not.toContain(rule.id);
      });
      it('runs only when one of its keywords is present', () => {
        expect(scanSecrets(Buffer.from(c.positive), '/x', { rules: [rule] }).length).toBeGreaterThan(0);
        // Keywords gate the regex: a copy of the rule with an absent keyword never runs it.
        const gated = { ...rule, keywords: ['zz-keyword-not-present-zz'] };
        expect(scanSecrets(Buffer.from(c.positive), '/x', { rules: [gated] })).toEqual([]);
      });
    });
  }

  it('anchored rules find what a search of the whole text finds', () => {
    const anchored = SECRET_RULES.filter((r) => r.anchored === true);
    expect(anchored.map((r) => r.id)).toContain('generic-password');
    const corpus = [
      ...Object.values(RULE_CASES).flatMap((c) => [c.positive, c.negative]),
      'DB_PASSWORD=Zq8#kL2mN9pX4vR7\nx_token : "Ab3dE6gH9jK2mN5p"\nmy-secret_key=>q9W8e7R6t5Y4u3I2\nurl=https://u:S3cr3tPw9x@host/x',
      'passwordpassword=AAbbCC1122ddEEff token token=tok3nV4lu3Xy9z8W secret:"' + 'k9'.repeat(30) + '"',
    ];
    for (const rule of anchored) {
      const searched = { ...rule, anchored: false };
      for (const text of corpus) {
        const a = scanSecrets(Buffer.from(text), '/x', { rules: [rule] });
        const b = scanSecrets(Buffer.from(text), '/x', { rules: [searched] });
        expect(a, `${rule.id}: ${text.slice(0, 60)}`).toEqual(b);
      }
    }
  });

  it('does not take source code for a generic secret (types, member access, calls)', () => {
    const code = [
      'const secrets: SecretFinding[] = [];',
      'const secret = m.groups?.secret ?? m[0];',
      'const secretStart = span?.[0] ?? m.index;',
      'function f(options: ScanSecretsOptions = NO_OPTIONS): void {}',
      'let tokens: Map<string, number> = new Map();',
      'my $pwd=Cwd::getcwd();',
      'secret = $insta::secret # pass:insta',
      "  password => $this->{password},",
    ].join('\n');
    expect(ids(code)).toEqual([]);
    expect(ids('db_password = "Zq8#kL2m(N9pX4vR7"\nAPI_TOKEN=tok3nV4lu3Xy9z8W')).toEqual(['generic-password', 'generic-token']);
  });

  it('a specific rule shadows the generic assignment on the same value', () => {
    const text = `GITHUB_TOKEN=${'gh' + 'p_'}${'a1B2c3D4e5'.repeat(3)}Zz9Yy8`;
    expect(ids(text)).toEqual(['github-pat']);
  });
});
