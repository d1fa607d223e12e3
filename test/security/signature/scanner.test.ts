import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/security/report/render.js';
import { runScan, type ScanOptions } from '../../../src/security/scan.js';
import { imagePatternMatches, registryTrusted, signImage, type SignatureScanOptions } from '../../../src/security/signature/index.js';
import { parseImageReference } from '../../../src/security/target/reference.js';
import { openStore } from '../../../src/store/index.js';
import { tailAudit } from '../../../src/audit/index.js';
import { runCli } from '../../support/cli.js';
import { skopeoCopy, startRegistry, tarLayer, writeOciLayout, type Server } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

/** `security-scan --scanners signature`: requirements by image pattern, trusted registries, the gate. */
const tmp = tempDir('churn-sig-scan-');
let registry: Server;
let host: string;
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pub = tmp.file('cosign.pub', pair.publicKey.export({ format: 'pem', type: 'spki' }).toString());
const otherPub = tmp.file('other.pub', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString());
const THRESHOLDS = { maxCritical: 0, maxHigh: 0, maxMedium: 5, failOnVulnerabilities: true };

const scan = (target: string, signature: SignatureScanOptions, thresholds: ScanOptions['thresholds'] = THRESHOLDS) =>
  runScan({ target, scanners: ['signature'], dbFile: join(tmp.dir, 'unused.db'), thresholds, signature, targetOptions: { engine: false } });

beforeAll(async () => {
  registry = await startRegistry(tmp.dir, join(tmp.dir, 'storage'));
  host = registry.address;
  writeOciLayout(join(tmp.dir, 'layout'), { app: { layers: [await tarLayer([{ path: 'etc/app', content: 'app' }])] } });
  await skopeoCopy(`oci:${join(tmp.dir, 'layout')}:app`, `docker://${host}/team/signed:1`);
  await skopeoCopy(`oci:${join(tmp.dir, 'layout')}:app`, `docker://${host}/team/unsigned:1`);
  await signImage(`${host}/team/signed:1`, pair.privateKey, { annotations: { env: 'prod' } });
});
afterAll(() => registry.stop());

describe('image patterns and trusted registries', () => {
  it('matches patterns with * across path segments, against the qualified and the familiar name', () => {
    expect(imagePatternMatches('127.0.0.1:5000/*', '127.0.0.1:5000/team/app')).toBe(true);
    expect(imagePatternMatches('registry.example.com/team/*', 'registry.example.com/team/app')).toBe(true);
    expect(imagePatternMatches('registry.example.com/team/*', 'registry.example.com/teams/app')).toBe(false);
    expect(imagePatternMatches('*', 'anything/at/all')).toBe(true);
    expect(imagePatternMatches('nginx', 'nginx')).toBe(true);
    expect(imagePatternMatches('a.b/c', 'aXb/c')).toBe(false);
  });

  it('trusts a registry host or a host/namespace prefix, Docker Hub under any of its names', () => {
    const ref = parseImageReference('ghcr.io/org/app:1');
    expect(registryTrusted(ref, ['ghcr.io'])).toBe(true);
    expect(registryTrusted(ref, ['ghcr.io/org'])).toBe(true);
    expect(registryTrusted(ref, ['ghcr.io/or'])).toBe(false);
    expect(registryTrusted(parseImageReference('nginx'), ['index.docker.io'])).toBe(true);
    expect(registryTrusted(parseImageReference('127.0.0.1:5000/x'), ['127.0.0.1'])).toBe(false);
  });
});

describe('the signature scanner', () => {
  it('a requirement whose pattern matches: met is an informational note, missing is CP-SIG-001 and fails the gate', async () => {
    const requirements = [{ images: [`${host}/team/*`], keys: [pub], annotations: { env: 'prod' } }];
    const ok = await scan(`${host}/team/signed:1`, { requirements });
    expect(ok.signatures).toMatchObject([{ id: 'CP-SIG-010', code: 'SIGNED', severity: 'UNKNOWN', passed: true }]);
    expect(ok.gate.passed).toBe(true);

    const missing = await scan(`${host}/team/unsigned:1`, { requirements });
    expect(missing.signatures).toMatchObject([{ id: 'CP-SIG-001', code: 'SIGNATURE_MISSING', severity: 'HIGH', passed: false, requirement: [`${host}/team/*`] }]);
    expect(missing.gate.passed).toBe(false);
    // The count thresholds alone would let it through: a required signature fails the gate regardless.
    const lenient = await scan(`${host}/team/unsigned:1`, { requirements }, { ...THRESHOLDS, maxHigh: 10, failOnVulnerabilities: false });
    expect(lenient.gate).toMatchObject({ passed: false, reasons: [expect.stringMatching(/^signature: SIGNATURE_MISSING \(CP-SIG-001\)/)] });
  });

  it('nothing required: the status is reported at UNKNOWN severity and never fails the gate', async () => {
    const elsewhere = [{ images: ['registry.example.com/*'], keys: [pub] }];
    const unsigned = await scan(`${host}/team/unsigned:1`, { requirements: elsewhere }, { ...THRESHOLDS, maxLow: 0 });
    expect(unsigned.signatures).toMatchObject([{ code: 'UNSIGNED', severity: 'UNKNOWN', message: expect.stringContaining('no signature at sha256-') }]);
    expect(unsigned.gate.passed).toBe(true);
    const signed = await scan(`${host}/team/signed:1`, {});
    expect(signed.signatures).toMatchObject([{ code: 'SIGNED', message: expect.stringContaining('1 signature at sha256-') }]);
  });

  it('explicit keys and annotations: another key is CP-SIG-003 (CRITICAL), a wrong annotation CP-SIG-006', async () => {
    const r = await scan(`${host}/team/signed:1`, { keys: [otherPub] });
    expect(r.signatures).toMatchObject([{ id: 'CP-SIG-003', code: 'UNTRUSTED_KEY', severity: 'CRITICAL' }]);
    expect(r.gate.counts.CRITICAL).toBe(1);
    const a = await scan(`${host}/team/signed:1`, { keys: [pub], annotations: { env: 'dev' } });
    expect(a.signatures).toMatchObject([{ id: 'CP-SIG-006', code: 'ANNOTATION_MISMATCH' }]);
  });

  it('an image from outside the trusted registries is CP-SIG-009', async () => {
    const r = await scan(`${host}/team/signed:1`, { trustedRegistries: ['registry.example.com'] });
    expect(r.signatures.map((f) => f.code)).toEqual(['UNTRUSTED_REGISTRY', 'SIGNED']);
    expect(r.gate.passed).toBe(false);
    expect((await scan(`${host}/team/signed:1`, { trustedRegistries: [host] })).gate.passed).toBe(true);
  });

  it('the table and the Trivy JSON carry the failed checks; the informational note stays out of the JSON', async () => {
    const result = await scan(`${host}/team/unsigned:1`, { keys: [pub] });
    const ctx = { now: new Date('2026-01-01T00:00:00Z'), toolVersion: 'test' };
    const table = renderReport('table', result, ctx);
    expect(table).toContain('Signatures: 1 failed');
    expect(table).toMatch(/HIGH\s+CP-SIG-001\s+SIGNATURE_MISSING/);
    const json = JSON.parse(renderReport('json', result, ctx)) as { Results: { Class: string; Type: string; Misconfigurations: { ID: string; Status: string }[] }[] };
    expect(json.Results).toMatchObject([{ Class: 'config', Type: 'image-signature', Misconfigurations: [{ ID: 'CP-SIG-001', Status: 'FAIL' }] }]);
    const fine = await scan(`${host}/team/signed:1`, { keys: [pub] });
    expect((JSON.parse(renderReport('json', fine, ctx)) as { Results: unknown[] }).Results).toEqual([]);
  });
});

describe('churn security-scan --scanners signature', () => {
  it('exit 1 for an unsigned image when --key requires a signature, and the violation is in the audit log', async () => {
    const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
    process.env.DATA_DIR = join(tmp.dir, 'data');
    delete process.env.DATABASE_URL;
    try {
      const bad = await runCli('security-scan', `docker://${host}/team/unsigned:1`, '--scanners', 'signature', '--key', pub);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/HIGH\s+CP-SIG-001\s+SIGNATURE_MISSING/);
      expect(bad.stderr).toContain('security gate failed');
      const store = await openStore({ url: `sqlite:${join(tmp.dir, 'data', 'churn.db')}` });
      try {
        const violation = (await tailAudit(store, { limit: 10 })).find((e) => e.event === 'policy.violation');
        expect(JSON.stringify(violation?.detail)).toContain('signature: SIGNATURE_MISSING (CP-SIG-001)');
      } finally {
        await store.close();
      }
      const good = await runCli('security-scan', `docker://${host}/team/signed:1`, '--scanners', 'signature', '--key', pub, '-a', 'env=prod', '--no-record');
      expect(good.code).toBe(0);
      expect(good.stdout).toContain('Signatures: no failures');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
