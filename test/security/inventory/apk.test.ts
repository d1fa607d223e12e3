import { describe, expect, it } from 'vitest';
import { apkAnalyzer } from '../../../src/security/inventory/apk.js';
import { APK_INSTALLED, file } from './helpers.js';


describe('apk analyzer', () => {
  it('wants only the installed database', () => {
    expect(apkAnalyzer.required('/lib/apk/db/installed', 1)).toBe(true);
    expect(apkAnalyzer.required('/lib/apk/db/triggers', 1)).toBe(false);
  });

  it('lists packages with origin, arch, license and an apk purl', () => {
    const r = apkAnalyzer.analyze(file('/lib/apk/db/installed', APK_INSTALLED, 1));
    expect(r.packages).toEqual([
      { ecosystem: 'alpine', name: 'musl', version: '1.2.4_git20230717-r4', srcName: 'musl', srcVersion: '1.2.4_git20230717-r4', arch: 'x86_64', purl: 'pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64', path: '/lib/apk/db/installed', layer: 1, licenses: ['MIT'] },
      { ecosystem: 'alpine', name: 'libcrypto3', version: '3.1.4-r5', srcName: 'openssl', srcVersion: '3.1.4-r5', arch: 'x86_64', purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64', path: '/lib/apk/db/installed', layer: 1, licenses: ['Apache-2.0'] },
      { ecosystem: 'alpine', name: 'busybox', version: '1.36.1-r15', srcName: 'busybox', srcVersion: '1.36.1-r15', purl: 'pkg:apk/alpine/busybox@1.36.1-r15', path: '/lib/apk/db/installed', layer: 1 },
    ]);
  });

  it('skips a record without a version and a bad line, one warning each', () => {
    const r = apkAnalyzer.analyze(file('/lib/apk/db/installed', APK_INSTALLED));
    expect(r.warnings?.map((w) => w.message)).toEqual([expect.stringMatching(/^line 26: record without/), expect.stringMatching(/^line 29: not a "K:value" line/)]);
  });
});
