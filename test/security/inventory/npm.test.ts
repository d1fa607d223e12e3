import { describe, expect, it } from 'vitest';
import { npmAnalyzer, npmPurl } from '../../../src/security/inventory/npm.js';
import { file } from './helpers.js';

const LOCK_V3 = JSON.stringify({
  name: 'app',
  lockfileVersion: 3,
  packages: {
    '': { name: 'app', version: '1.0.0' },
    'node_modules/express': { version: '4.18.2', license: 'MIT' },
    'node_modules/@babel/core': { version: '7.24.0', dev: true },
    'node_modules/@types/node': { version: '20.11.0' },
    'node_modules/express/node_modules/debug': { version: '2.6.9' },
    'node_modules/local-lib': { resolved: 'packages/local-lib', link: true },
    'packages/local-lib': { name: 'local-lib', version: '0.0.1' },
    'node_modules/broken': { resolved: 'x' },
  },
});

const LOCK_V1 = JSON.stringify({
  lockfileVersion: 1,
  dependencies: {
    lodash: { version: '4.17.20' },
    mocha: { version: '10.0.0', dev: true },
    request: { version: '2.88.2', dependencies: { qs: { version: '6.5.3' } } },
  },
});

describe('npm analyzer', () => {
  it('wants lock files outside node_modules and installed package.json files at any depth', () => {
    const paths = [
      '/app/package-lock.json',
      '/app/node_modules/.package-lock.json',
      '/app/node_modules/express/package.json',
      '/app/node_modules/@babel/core/package.json',
      '/app/node_modules/express/node_modules/debug/package.json',
      '/app/node_modules/express/lib/package.json',
      '/app/package.json',
    ];
    expect(paths.map((p) => npmAnalyzer.required(p, 1))).toEqual([true, false, true, true, true, false, false]);
  });

  it('reads a v3 lock: nested, scoped; dev, linked and workspace entries left out', () => {
    const r = npmAnalyzer.analyze(file('/app/package-lock.json', LOCK_V3));
    expect(r.packages?.map((p) => [p.name, p.version, p.location, p.purl])).toEqual([
      ['express', '4.18.2', '/app/node_modules/express', 'pkg:npm/express@4.18.2'],
      ['@types/node', '20.11.0', '/app/node_modules/@types/node', 'pkg:npm/%40types/node@20.11.0'],
      ['debug', '2.6.9', '/app/node_modules/express/node_modules/debug', 'pkg:npm/debug@2.6.9'],
    ]);
    expect(r.packages?.[0]).toMatchObject({ declared: true, licenses: ['MIT'], path: '/app/package-lock.json' });
    expect(r.warnings).toEqual([{ path: '/app/package-lock.json', message: 'packages["node_modules/broken"]: no version; skipped' }]);
  });

  it('reads a v1 lock', () => {
    const r = npmAnalyzer.analyze(file('/srv/package-lock.json', LOCK_V1));
    expect(r.packages?.map((p) => `${p.name}@${p.version} ${p.location ?? ''}`)).toEqual([
      'lodash@4.17.20 /srv/node_modules/lodash',
      'request@2.88.2 /srv/node_modules/request',
      'qs@6.5.3 /srv/node_modules/request/node_modules/qs',
    ]);
  });

  it('reads an installed package.json and warns on bad ones', () => {
    const ok = npmAnalyzer.analyze(file('/app/node_modules/@scope/pkg/package.json', '{"name":"@scope/pkg","version":"1.0.0-beta+exp","license":{"type":"ISC"}}', 3));
    expect(ok.packages).toEqual([
      { ecosystem: 'npm', name: '@scope/pkg', version: '1.0.0-beta+exp', purl: 'pkg:npm/%40scope/pkg@1.0.0-beta%2Bexp', path: '/app/node_modules/@scope/pkg/package.json', layer: 3, location: '/app/node_modules/@scope/pkg', licenses: ['ISC'] },
    ]);
    expect(npmAnalyzer.analyze(file('/a/node_modules/x/package.json', '{not json')).warnings).toEqual([{ path: '/a/node_modules/x/package.json', message: 'not a JSON object; skipped' }]);
    expect(npmAnalyzer.analyze(file('/a/node_modules/x/package.json', '{"name":"x"}')).warnings?.[0].message).toContain('without name and version');
  });

  it('builds npm purls', () => {
    expect(npmPurl('@angular/core', '17.0.0')).toBe('pkg:npm/%40angular/core@17.0.0');
    expect(npmPurl('lodash', '4.17.21')).toBe('pkg:npm/lodash@4.17.21');
  });
});
