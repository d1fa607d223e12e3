import { beforeAll, describe, expect, it } from 'vitest';
import { cell, code, renderMarkdown, TOP_FINDINGS } from '../../../src/security/report/markdown.js';
import { renderReport } from '../../../src/security/report/render.js';
import { runScan, type ScanResult } from '../../../src/security/scan.js';
import { tempDir } from '../../support/tmp.js';
import { AWKWARD_TITLE, AWS_KEY_ID, AWS_SECRET, buildImages, buildTree, buildVulnDb, THRESHOLDS, writePublicKey } from './scan-fixtures.js';

const tmp = tempDir('churn-md-');
const ctx = { now: new Date('2026-02-01T12:00:00Z'), toolVersion: '0.1.0' };
let db = '';
let layout = '';
let bad: ScanResult;
let good: ScanResult;
let tree: ScanResult;

const scan = (target: string, extra: Partial<Parameters<typeof runScan>[0]> = {}) => runScan({ target, scanners: ['vuln', 'secret', 'config'], dbFile: db, thresholds: THRESHOLDS, ...extra });

/** The cells of a table row, split on unescaped pipes. */
const cellsOf = (row: string): string[] => row.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/);

/** Every table in the text: its rows, each a list of cells; asserts the rows line up with the header. */
function tables(md: string): string[][][] {
  const out: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      const cells = cellsOf(line);
      if (current === null) out.push((current = []));
      expect(cells.length, `row "${line}"`).toBe(current[0]?.length ?? cells.length);
      current.push(cells.map((c) => c.trim()));
    } else current = null;
  }
  return out;
}

function sectionOf(md: string, heading: string): string {
  const start = md.indexOf(`## ${heading}`);
  expect(start, `section ${heading}`).toBeGreaterThanOrEqual(0);
  const next = md.indexOf('\n## ', start + 3);
  return md.slice(start, next < 0 ? undefined : next);
}

beforeAll(async () => {
  db = await buildVulnDb(tmp.dir);
  layout = await buildImages(tmp.dir);
  bad = await scan(`oci:${layout}:bad`);
  good = await scan(`oci:${layout}:good`);
  tree = await scan(`fs:${buildTree(tmp.dir)}`);
}, 120_000);

describe('markdown summary of a failing image', () => {
  it('names the target, digest, OS and package count', () => {
    const md = renderReport('markdown', bad, ctx);
    expect(md.split('\n')[0]).toBe(`# Security scan: oci:${layout}:bad`);
    const info = tables(md)[0];
    const row = (k: string) => info.find((r) => r[0] === k)?.[1];
    expect(row('Target')).toBe(`\`oci:${layout}:bad\` (oci)`);
    expect(row('Digest')).toBe(`\`${bad.target.digest}\``);
    expect(row('Image ID')).toBe(`\`${bad.target.imageId}\``);
    expect(row('Tags')).toBe('`bad`');
    expect(row('OS')).toBe('debian 12 (bookworm)');
    expect(row('Packages')).toBe('3');
    expect(row('Scanned')).toBe('2026-02-01T12:00:00.000Z by churn-predictor 0.1.0');
  });

  it('says FAILED with every reason', () => {
    const md = renderMarkdown(bad, ctx);
    const gate = sectionOf(md, 'Gate');
    expect(gate).toContain('## Gate: FAILED');
    expect(bad.gate.reasons.length).toBeGreaterThan(0);
    for (const r of bad.gate.reasons) expect(gate).toContain(`- ${r}`);
  });

  it('counts findings by severity and kind, totals as the gate counted them', () => {
    const counts = tables(sectionOf(renderMarkdown(bad, ctx), 'Findings by severity'))[0];
    expect(counts[0]).toEqual(['Severity', 'Vulnerabilities', 'Misconfigurations', 'Secrets', 'Total']);
    const byRow = new Map(counts.slice(2).map((r) => [r[0], r.slice(1)]));
    // left-pad (CVSS 9.8); the AWS key in the deleted file and the one in the image Env.
    expect(byRow.get('CRITICAL')).toEqual(['1', '0', '2', `**${bad.gate.counts.CRITICAL}**`]);
    expect(bad.gate.counts.CRITICAL).toBe(3);
    expect(byRow.get('HIGH')?.[0]).toBe('1');
    expect(byRow.get('LOW')?.[0]).toBe('1');
    for (const [sev, cells] of byRow) expect(cells.slice(0, 3).reduce((a, b) => a + Number(b), 0)).toBe(bad.gate.counts[sev as keyof typeof bad.gate.counts]);
  });

  it('lists vulnerabilities with installed and fixed versions, escaping pipes, line breaks and markup', () => {
    const section = sectionOf(renderMarkdown(bad, ctx), 'Vulnerabilities');
    expect(section).toContain('## Vulnerabilities (3)');
    const rows = tables(section)[0].slice(2);
    expect(rows.map((r) => r[1])).toEqual(['`GHSA-test-0003`', '`DSA-TEST-0001`', '`DSA-TEST-0002`']);
    expect(rows[0]).toEqual(['CRITICAL', '`GHSA-test-0003`', 'left-pad', '`1.3.0`', '`1.3.1`', 'left-pad \\| pads &lt;b&gt;wrongly&lt;/b&gt;<br>second line']);
    expect(rows[1].slice(3, 5)).toEqual(['`3.0.11-1~deb12u2`', '`3.0.13-1~deb12u1`']);
    expect(rows[2][4]).toBe('no fix yet');
    expect(section).not.toContain(AWKWARD_TITLE);
  });

  it('lists the most severe misconfigurations first, with file and line, and says how many are left out', () => {
    const section = sectionOf(renderMarkdown(bad, ctx), 'Misconfigurations');
    const total = bad.misconfigurations.length;
    expect(total).toBeGreaterThan(TOP_FINDINGS);
    expect(section).toContain(`## Misconfigurations (top ${TOP_FINDINGS} of ${total})`);
    const rows = tables(section)[0].slice(2);
    expect(rows).toHaveLength(TOP_FINDINGS);
    const rank = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
    expect(rows.map((r) => rank.indexOf(r[0]))).toEqual([...rows.map((r) => rank.indexOf(r[0]))].sort((a, b) => a - b));
    expect(rows.find((r) => r[1] === '`CP-K8S-005`')?.slice(2, 4)).toEqual(['`/app/k8s/deploy.yaml:14`', 'Deployment/api/api']);
    expect(rows.find((r) => r[1] === '`CP-IMG-001`')?.[2]).toBe(`\`oci:${layout}:bad\``);
  });

  it('shows secrets by their redacted match only', () => {
    const md = renderMarkdown(bad, ctx);
    expect(md).not.toContain(AWS_KEY_ID);
    expect(md).not.toContain(AWS_SECRET);
    const rows = tables(sectionOf(md, 'Secrets'))[0].slice(2);
    const key = rows.find((r) => r[1] === '`aws-access-key-id`');
    expect(key?.[2]).toBe('`/app/.env:2`');
    expect(key?.[3]).toBe(`\`${bad.secrets.find((s) => s.ruleId === 'aws-access-key-id')?.match}\``);
    expect(key?.[3]).toMatch(/^`AKIA\*+`$/);
    expect(key?.[4]).toContain('deleted by a later layer');
  });

  it('reports the warnings count', () => {
    expect(renderMarkdown(bad, ctx)).toContain('Warnings: none.');
    const md = renderMarkdown({ ...bad, warnings: ['/var/lib/dpkg/status: entry 3 has no Version', '/app/x: unreadable'] }, ctx);
    expect(md).toContain('Warnings: 2 ');
  });
});

describe('markdown summary of a passing image and of a folder', () => {
  it('says PASSED when no limit is exceeded', () => {
    const md = renderMarkdown(good, ctx);
    expect(good.gate.passed).toBe(true);
    expect(md).toContain('## Gate: PASSED\n\nNo severity limit was exceeded.');
    expect(md).not.toContain('## Vulnerabilities');
    expect(md).not.toContain('## Secrets');
  });

  it('says PASSED but lists the exceeded limits when the gate only reports', async () => {
    const reportOnly = await scan(`oci:${layout}:bad`, { thresholds: { ...THRESHOLDS, failOnVulnerabilities: false } });
    const gate = sectionOf(renderMarkdown(reportOnly, ctx), 'Gate');
    expect(gate).toContain('## Gate: PASSED');
    expect(gate).toContain('FAIL_ON_VULNERABILITIES=false');
    for (const r of reportOnly.gate.reasons) expect(gate).toContain(`- ${r}`);
  });

  it('summarizes a folder scan with relative paths and no digest', () => {
    const md = renderMarkdown(tree, ctx);
    expect(tables(md)[0].find((r) => r[0] === 'Digest')?.[1]).toBe('—');
    expect(md).toContain('`config/aws.env:2`');
    expect(md).toContain('`Dockerfile:3`');
    expect(md).not.toContain(AWS_KEY_ID);
  });
});

describe('markdown summary of the signature scanner', () => {
  it('counts signature findings with the rest and lists a missing required signature with its remediation', async () => {
    const result = await scan(`oci:${layout}:good`, { scanners: ['vuln', 'signature'], signature: { keys: [writePublicKey(tmp.dir)] } });
    const md = renderMarkdown(result, ctx);
    expect(sectionOf(md, 'Gate')).toContain('## Gate: FAILED');
    const counts = tables(sectionOf(md, 'Findings by severity'))[0];
    expect(counts[0]).toEqual(['Severity', 'Vulnerabilities', 'Misconfigurations', 'Secrets', 'Signatures', 'Total']);
    expect(counts.find((r) => r[0] === 'HIGH')).toEqual(['HIGH', '0', '0', '0', '1', '**1**']);
    const rows = tables(sectionOf(md, 'Signatures'))[0];
    expect(rows[0]).toEqual(['Severity', 'Check', 'Code', 'Image', 'Finding', 'Remediation']);
    expect(rows[2].slice(0, 3)).toEqual(['HIGH', '`CP-SIG-001`', '`SIGNATURE_MISSING`']);
    expect(rows[2][5]).toContain('churn sign');
  });

  it('shows the informational status of an unsigned image as ok, counted where the gate counted it', async () => {
    const result = await scan(`oci:${layout}:good`, { scanners: ['vuln', 'signature'] });
    const md = renderMarkdown(result, ctx);
    expect(sectionOf(md, 'Gate')).toContain('## Gate: PASSED');
    const counts = tables(sectionOf(md, 'Findings by severity'))[0];
    expect(counts.find((r) => r[0] === 'UNKNOWN')).toEqual(['UNKNOWN', '0', '0', '0', '1', `**${result.gate.counts.UNKNOWN}**`]);
    const rows = tables(sectionOf(md, 'Signatures'))[0];
    expect(rows[2].slice(0, 3)).toEqual(['ok', '`CP-SIG-010`', '`UNSIGNED`']);
    expect(rows[2][5]).toBe('');
  });
});

describe('table cells', () => {
  it('escapes pipes, line breaks and HTML', () => {
    expect(cell('a | b\r\nc\nd')).toBe('a \\| b<br>c<br>d');
    expect(cell('<script>&')).toBe('&lt;script&gt;&amp;');
    expect(cell('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });
  it('fences code spans longer than any backtick run inside them', () => {
    expect(code('a|b')).toBe('`a\\|b`');
    expect(code('x`y')).toBe('``x`y``');
    expect(code('`x')).toBe('`` `x ``');
    expect(code('line1\nline2')).toBe('`line1 line2`');
  });
});
