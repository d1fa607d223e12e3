import { describe, expect, it } from 'vitest';
import { formatReference, parseImageReference, parseTarget } from '../../../src/security/target/reference.js';

describe('parseImageReference (Docker naming rules)', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx', 'latest', null, 'nginx'],
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25', null, 'nginx'],
    ['user/app', 'docker.io', 'user/app', 'latest', null, 'user/app'],
    ['docker.io/library/nginx:1', 'docker.io', 'library/nginx', '1', null, 'nginx'],
    ['index.docker.io/nginx', 'docker.io', 'library/nginx', 'latest', null, 'nginx'],
    ['localhost/app', 'localhost', 'app', 'latest', null, 'localhost/app'],
    ['localhost:5000/team/app:v2', 'localhost:5000', 'team/app', 'v2', null, 'localhost:5000/team/app'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000', 'app', 'latest', null, '127.0.0.1:5000/app'],
    ['ghcr.io/org/sub/app:1.0-rc_1', 'ghcr.io', 'org/sub/app', '1.0-rc_1', null, 'ghcr.io/org/sub/app'],
    ['Registry/app', 'Registry', 'app', 'latest', null, 'Registry/app'],
    ['churn-predictor:latest', 'docker.io', 'library/churn-predictor', 'latest', null, 'churn-predictor'],
  ])('%s', (input, domain, path, tag, digest, familiar) => {
    const ref = parseImageReference(input);
    expect(ref).toMatchObject({ domain, path, tag, digest, familiar, repository: `${domain}/${path}` });
  });

  it('keeps a digest and gives no default tag with one; keeps both when both are given', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`127.0.0.1:5000/app@${d}`)).toMatchObject({ tag: null, digest: d });
    const both = parseImageReference(`app:1@${d}`);
    expect(both).toMatchObject({ tag: '1', digest: d });
    expect(formatReference(both)).toBe(`docker.io/library/app:1@${d}`);
  });

  it.each([
    ['', 'empty'],
    ['app/UPPER', 'lowercase'],
    ['Nginx', 'lowercase'],
    ['docker.io/User/app', 'lowercase'],
    ['app:', 'tag'],
    ['app:-bad', 'tag'],
    [`app:${'t'.repeat(129)}`, 'tag'],
    ['app@sha256:abc', 'digest'],
    ['app@md5:' + 'a'.repeat(64), 'digest'],
    ['a//b', 'component'],
    ['app_', 'component'],
    ['has space', 'whitespace'],
    ['host:99999999/app', 'host'],
  ])('rejects %j (%s)', (input, why) => {
    expect(() => parseImageReference(input)).toThrow(expect.objectContaining({ code: 'BAD_REFERENCE', message: expect.stringContaining(why) }));
  });
});

describe('parseTarget', () => {
  it('reads every target syntax', () => {
    expect(parseTarget('docker-archive:/tmp/a.tar')).toEqual({ kind: 'docker-archive', path: '/tmp/a.tar' });
    expect(parseTarget('oci:/tmp/layout:v1')).toEqual({ kind: 'oci', path: '/tmp/layout', tag: 'v1' });
    expect(parseTarget('oci:/tmp/layout')).toEqual({ kind: 'oci', path: '/tmp/layout', tag: null });
    expect(parseTarget('oci-archive:img.tar:edge')).toEqual({ kind: 'oci-archive', path: 'img.tar', tag: 'edge' });
    expect(parseTarget('fs:/srv/app')).toEqual({ kind: 'fs', path: '/srv/app' });
    expect(parseTarget('/srv/app')).toEqual({ kind: 'fs', path: '/srv/app' });
    expect(parseTarget('./app')).toEqual({ kind: 'fs', path: './app' });
    expect(parseTarget('.')).toEqual({ kind: 'fs', path: '.' });
    expect(parseTarget('~/src')).toEqual({ kind: 'fs', path: '~/src' });
    expect(parseTarget('docker://127.0.0.1:5000/app:1')).toMatchObject({ kind: 'registry', ref: { domain: '127.0.0.1:5000', path: 'app', tag: '1' } });
    expect(parseTarget('churn-predictor:latest')).toMatchObject({ kind: 'image', ref: { path: 'library/churn-predictor', tag: 'latest' } });
  });

  it('rejects a prefix without a path, and a bad bare name', () => {
    expect(() => parseTarget('docker-archive:')).toThrow(expect.objectContaining({ code: 'BAD_REFERENCE' }));
    expect(() => parseTarget('fs:')).toThrow(expect.objectContaining({ code: 'BAD_REFERENCE' }));
    expect(() => parseTarget('Not/Valid')).toThrow(expect.objectContaining({ code: 'BAD_REFERENCE' }));
  });
});
