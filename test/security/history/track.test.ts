import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { trackingKey, trackMisconfiguration, trackSecret, trackSignature, trackVulnerability } from '../../../src/security/history/index.js';
import type { Misconfiguration } from '../../../src/security/misconfig/index.js';
import type { SecretFinding } from '../../../src/security/secrets/index.js';
import type { VulnerabilityFinding } from '../../../src/security/types.js';

const finding = (version: string, pkgPath = '/var/lib/dpkg/status'): VulnerabilityFinding => ({
  id: 'DSA-7001-1',
  aliases: ['CVE-2099-7001', 'DSA-7001-1'],
  pkgName: 'libfoo',
  purl: `pkg:deb/debian/libfoo@${version}?arch=amd64&distro=debian-12`,
  installedVersion: version,
  fixedVersion: null,
  severity: 'HIGH',
  score: null,
  cvssVector: null,
  title: 'libfoo issue',
  description: '',
  references: [],
  pkgPath,
  layer: null,
  source: 'Debian:12',
  published: null,
  modified: null,
});

describe('finding keys', () => {
  it('keep a vulnerability the same finding across package upgrades, apart in another manifest', () => {
    const a = trackVulnerability(finding('1.0-1'));
    expect(trackVulnerability(finding('1.0-3')).key).toBe(a.key);
    expect(trackVulnerability(finding('1.0-1', '/app/package-lock.json')).key).not.toBe(a.key);
    expect(a).toMatchObject({ kind: 'vuln', id: 'DSA-7001-1', aliases: ['CVE-2099-7001'], package: 'libfoo', version: '1.0-1' });
  });

  it('keep a configuration finding the same when lines move, and a secret by its fingerprint', () => {
    const m: Misconfiguration = { id: 'CP-DF-001', severity: 'HIGH', title: 'runs as root', description: '', file: 'Dockerfile', line: 3, resource: { kind: 'Dockerfile', name: 'stage 0' }, remediation: '', references: { trivy: 'DS002', urls: [] } };
    expect(trackMisconfiguration({ ...m, line: 9 }).key).toBe(trackMisconfiguration(m).key);
    expect(trackMisconfiguration(m).aliases).toEqual(['DS002']);
    const s: SecretFinding = { ruleId: 'github-pat', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub token', path: '/app/.env', line: 1, column: 1, match: 'ghp_****', fingerprint: 'ab'.repeat(32) };
    expect(trackSecret({ ...s, line: 7 }).key).toBe(trackSecret(s).key);
    expect(trackSecret({ ...s, fingerprint: 'cd'.repeat(32) }).key).not.toBe(trackSecret(s).key);
  });

  it('follow a failed signature check by its rule and failure code', () => {
    const sig = { id: 'CP-SIG-001', severity: 'HIGH' as const, code: 'UNSIGNED' as const, title: 'image not signed', message: 'no signature', target: 'app:1', digest: null, requirement: null, checks: [], passed: false };
    expect(trackSignature(sig)).toMatchObject({ key: 'signature|CP-SIG-001|UNSIGNED', kind: 'signature', id: 'CP-SIG-001', aliases: ['UNSIGNED'] });
  });
});

describe('tracking keys of targets', () => {
  it('file every spelling of one target under one name', () => {
    expect(trackingKey('nginx')).toBe('docker.io/library/nginx:latest');
    expect(trackingKey('docker://nginx:latest')).toBe('docker.io/library/nginx:latest');
    expect(trackingKey('127.0.0.1:5000/app:1')).toBe('127.0.0.1:5000/app:1');
    expect(trackingKey('./app', '/work')).toBe('fs:/work/app');
    expect(trackingKey('fs:/work/app/', '/elsewhere')).toBe('fs:/work/app');
    expect(trackingKey('oci:img:v1', '/work')).toBe('oci:/work/img:v1');
    expect(trackingKey('docker-archive:~/a.tar')).toBe(`docker-archive:${homedir()}/a.tar`);
  });
});
