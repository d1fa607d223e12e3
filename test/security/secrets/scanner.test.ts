import { describe, expect, it } from 'vitest';
import { formatBaseline, parseBaseline } from '../../../src/security/secrets/baseline.js';
import { compileIgnore } from '../../../src/security/secrets/ignore.js';
import { placeholderReason } from '../../../src/security/secrets/placeholder.js';
import { scanSecrets } from '../../../src/security/secrets/scanner.js';
import { ALNUM, HEX, ghp, rnd } from './fakes.js';

const scan = (text: string, path = '/app/config.env', options = {}) => scanSecrets(Buffer.from(text), path, options);

describe('scanSecrets', () => {
  it('reports rule, severity, 1-based line and byte column, and a redacted match', () => {
    const token = ghp();
    const [f, ...rest] = scan(`# config\nNAME=app\n  GH=${token}\n`);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'github-pat', category: 'GitHub', severity: 'CRITICAL', path: '/app/config.env', line: 3, column: 6 });
    expect(f.match.startsWith('ghp_')).toBe(true);
    expect(f.match).toMatch(/\*{8}/);
    expect(f.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never puts a whole secret in the findings JSON', () => {
    const secrets = [ghp(), `${'sk' + '_live_'}${rnd(ALNUM, 30)}`, rnd(ALNUM, 20)];
    const text = `a=${secrets[0]}\nb=${secrets[1]}\nDB_PASSWORD=${secrets[2]}\nurl=${'postgres' + '://u:'}${secrets[2]}@db/x\n`;
    const findings = scan(text, '/p', { placeholders: 'low' });
    expect(findings.map((f) => f.ruleId)).toEqual(['github-pat', 'stripe-live-secret-key', 'generic-password', 'postgres-url-password']);
    const json = JSON.stringify(findings);
    for (const s of secrets) {
      expect(json).not.toContain(s);
      expect(json).not.toContain(s.slice(5));
    }
  });

  it('counts lines correctly for several matches in one file, in order', () => {
    const lines = ['x', `a=${ghp()}`, 'y', 'z', `b=${'gl' + 'pat-'}${rnd(ALNUM, 20)}`, `c=${ghp()}`];
    expect(scan(lines.join('\r\n')).map((f) => [f.ruleId, f.line])).toEqual([
      ['github-pat', 2],
      ['gitlab-pat', 5],
      ['github-pat', 6],
    ]);
  });

  it('skips binary files (a NUL byte) and files over the size limit', () => {
    const text = `GH=${ghp()}\n`;
    expect(scanSecrets(Buffer.concat([Buffer.from([0x7f, 0x45, 0x00]), Buffer.from(text)]), '/bin/app')).toEqual([]);
    expect(scanSecrets(Buffer.from(text), '/big', { maxBytes: 10 })).toEqual([]);
    expect(scanSecrets(Buffer.from(text), '/big', { maxBytes: 1000 })).toHaveLength(1);
  });

  it('accepts a line carrying the inline allow comment, and only that line', () => {
    const text = `A=${ghp()} # churn:allow-secret test fixture\nB=${ghp()}\n`;
    expect(scan(text).map((f) => f.line)).toEqual([2]);
  });

  it('honours the allowlist of paths (globs) and values', () => {
    const a = ghp();
    const text = `A=${a}\nB=${ghp()}\n`;
    expect(scan(text, '/app/test/fixtures/x.env', { allow: { paths: ['**/test/fixtures/'] } })).toEqual([]);
    expect(scan(text, '/app/src/x.env', { allow: { paths: ['**/test/fixtures/'] } })).toHaveLength(2);
    expect(scan(text, '/app/x.env', { allow: { values: [a] } }).map((f) => f.line)).toEqual([2]);
    expect(scan(text, '/app/x.env', { allow: { values: [/^ghp_/] } })).toEqual([]);
  });

  it('skips paths a .churnignore excludes', () => {
    const ignore = '# generated\nnode_modules/\n*.min.js\n!keep.min.js\n/build\ndocs/**/*.md\n';
    const text = `GH=${ghp()}`;
    expect(scan(text, '/app/node_modules/pkg/index.js', { ignore })).toEqual([]);
    expect(scan(text, '/app/dist/a.min.js', { ignore })).toEqual([]);
    expect(scan(text, '/app/dist/keep.min.js', { ignore })).toHaveLength(1);
    expect(scan(text, '/build/out.js', { ignore })).toEqual([]);
    expect(scan(text, '/app/build/out.js', { ignore })).toHaveLength(1);
    expect(scan(text, '/docs/a/b/c.md', { ignore })).toEqual([]);
    expect(scan(text, '/docs/c.txt', { ignore })).toHaveLength(1);
  });

  it('skips dependency and operating-system paths by default; an ignore file or defaultSkips: false brings them back', () => {
    const text = `GH=${ghp()}`;
    for (const path of ['/app/node_modules/pkg/index.js', 'node_modules/a/b.js', 'src/vendor/lib.go', '/usr/share/doc/x/README', '/usr/lib/ssl/misc/tool', '/usr/local/lib/python3.11/site.py', '/app/locales/en.json']) {
      expect(scan(text, path), path).toEqual([]);
      expect(scan(text, path, { defaultSkips: false }), path).toHaveLength(1);
    }
    for (const path of ['/etc/app.conf', '/app/src/index.js', 'src/usr/lib/x.js', '/usr/local/bin/tool', '/home/node/.npmrc']) expect(scan(text, path), path).toHaveLength(1);
    expect(scan(text, '/app/node_modules/own/secret.js', { ignore: '!/app/node_modules/own/' })).toHaveLength(1);
  });

  it('marks baseline findings as accepted instead of dropping them', () => {
    const text = `A=${ghp()}\nB=${ghp()}\n`;
    const first = scan(text);
    const baseline = parseBaseline(formatBaseline(first.slice(0, 1)));
    const again = scan(text, '/app/config.env', { baseline });
    expect(again.map((f) => [f.line, f.baseline ?? false])).toEqual([
      [1, true],
      [2, false],
    ]);
    // The fingerprint is bound to the path: the same secret elsewhere is new.
    expect(scan(text, '/other.env', { baseline }).some((f) => f.baseline)).toBe(false);
  });

  it('rejects a baseline that is not a JSON array of sha256 fingerprints, with code BAD_BASELINE', () => {
    expect(() => parseBaseline('{')).toThrow(expect.objectContaining({ code: 'BAD_BASELINE' }));
    expect(() => parseBaseline('{"a":1}')).toThrow(expect.objectContaining({ code: 'BAD_BASELINE' }));
    expect(() => parseBaseline('["nothex"]')).toThrow(expect.objectContaining({ code: 'BAD_BASELINE' }));
    expect([...parseBaseline(JSON.stringify([{ fingerprint: 'a'.repeat(64) }]))]).toEqual(['a'.repeat(64)]);
  });
});

describe('placeholders', () => {
  const cases: [string, string][] = [
    [`aws_key = ${'AKIAIOSFODNN7' + 'EXAMPLE'}`, 'example value'],
    [`aws_secret_access_key = ${'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY'}`, 'example value'],
    ['DB_PASSWORD=changeme', 'placeholder word'],
    ['DB_PASSWORD=xxxxxxxxxxxx', 'masked or filler value'],
    ['API_KEY=${API_KEY_FROM_VAULT}', 'variable reference'],
    ['DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app', 'variable reference'],
    ['DATABASE_URL=postgres://app:password@db/app', 'placeholder word'],
    ['client_secret: <client-secret>', 'template placeholder'],
    ['password: "{{.Values.dbPassword}}"', 'variable reference'],
  ];

  it.each(cases)('%s is not reported by default', (text) => {
    expect(scan(text)).toEqual([]);
  });

  it.each(cases)('%s is reported LOW with its reason when asked', (text, reason) => {
    const findings = scan(text, '/x', { placeholders: 'low' });
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.severity).toBe('LOW');
      expect(f.reason).toBe(`placeholder: ${reason}`);
    }
  });

  it('does not call real-looking values placeholders', () => {
    expect(placeholderReason(rnd(ALNUM, 24))).toBeNull();
    expect(placeholderReason(rnd(HEX, 32))).toBeNull();
  });

  it('drops low-entropy generic values and code references', () => {
    for (const text of ['password = ab12ab12ab', 'token = this.props.token', 'secret: /run/secrets/db', 'password = getPassword(user)', 'token: true']) {
      expect(scan(text, '/x', { placeholders: 'low' }), text).toEqual([]);
    }
  });
});

describe('compileIgnore', () => {
  it('follows gitignore precedence: the last matching pattern wins', () => {
    const m = compileIgnore(['*.log', '!important.log', 'logs/important.log']);
    expect(m.ignores('a/debug.log')).toBe(true);
    expect(m.ignores('a/important.log')).toBe(false);
    expect(m.ignores('logs/important.log')).toBe(true);
    expect(m.ignores('src/a.ts')).toBe(false);
  });

  it('handles ?, character classes, and directory-only patterns', () => {
    const m = compileIgnore('file?.txt\n[ab].env\ncache/\n');
    expect(m.ignores('x/file1.txt')).toBe(true);
    expect(m.ignores('x/file10.txt')).toBe(false);
    expect(m.ignores('a.env')).toBe(true);
    expect(m.ignores('c.env')).toBe(false);
    expect(m.ignores('x/cache/y')).toBe(true);
    expect(m.ignores('x/cache')).toBe(false);
  });
});
