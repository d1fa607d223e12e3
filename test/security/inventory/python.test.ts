import { describe, expect, it } from 'vitest';
import { pythonAnalyzer } from '../../../src/security/inventory/python.js';
import { pep503 } from '../../../src/security/inventory/purl.js';
import { file } from './helpers.js';

const METADATA = `Metadata-Version: 2.1
Name: Flask_Login
Version: 0.6.3
Summary: User authentication and session management for Flask.
License: MIT
Classifier: Framework :: Flask
Requires-Dist: Flask >=1.0.4

Flask-Login
===========
Name: not-a-header
`;

describe('python analyzer', () => {
  it('wants dist-info METADATA and egg-info PKG-INFO', () => {
    const paths = [
      '/usr/lib/python3/dist-packages/Flask_Login-0.6.3.dist-info/METADATA',
      '/usr/lib/python3/site-packages/six-1.16.0.egg-info/PKG-INFO',
      '/usr/lib/python3/dist-packages/six-1.16.0.egg-info',
      '/usr/lib/python3/dist-packages/Flask_Login-0.6.3.dist-info/RECORD',
    ];
    expect(paths.map((p) => pythonAnalyzer.required(p, 1))).toEqual([true, true, true, false]);
  });

  it('reads the headers only and normalizes the purl name (PEP 503)', () => {
    const r = pythonAnalyzer.analyze(file('/app/venv/lib/python3.11/site-packages/Flask_Login-0.6.3.dist-info/METADATA', METADATA, 4));
    expect(r.packages).toEqual([
      { ecosystem: 'pypi', name: 'Flask_Login', version: '0.6.3', purl: 'pkg:pypi/flask-login@0.6.3', path: '/app/venv/lib/python3.11/site-packages/Flask_Login-0.6.3.dist-info/METADATA', layer: 4, licenses: ['MIT'] },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('skips metadata without a name or version', () => {
    const r = pythonAnalyzer.analyze(file('/x.egg-info/PKG-INFO', 'Metadata-Version: 1.0\nSummary: nothing\n'));
    expect(r.packages).toBeUndefined();
    expect(r.warnings?.[0].message).toContain('without a valid Name and Version');
  });

  it('normalizes names as PEP 503 says', () => {
    expect(['Django', 'zope.interface', 'ruamel.yaml.clib', 'Foo__Bar--baz'].map(pep503)).toEqual(['django', 'zope-interface', 'ruamel-yaml-clib', 'foo-bar-baz']);
  });
});
