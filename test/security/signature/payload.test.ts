import { describe, expect, it } from 'vitest';
import { buildPayload, parsePayload } from '../../../src/security/signature/payload.js';
import { cosignRepository, signatureTag } from '../../../src/security/signature/store.js';
import { parseImageReference } from '../../../src/security/target/reference.js';
import { codeOf } from '../../support/errors.js';

const D = `sha256:${'ab'.repeat(32)}`;

describe('the simple-signing payload', () => {
  it('is written as cosign writes it: Go field order, optional keys sorted, null without annotations', () => {
    expect(buildPayload('127.0.0.1:5000/team/app', D).toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/team/app"},"image":{"docker-manifest-digest":"${D}"},"type":"cosign container image signature"},"optional":null}`,
    );
    expect(buildPayload('r/x', D, { z: '1', a: '2' }).toString()).toContain('"optional":{"a":"2","z":"1"}');
    expect(parsePayload(buildPayload('r/x', D, { env: 'prod' }))).toEqual({ dockerReference: 'r/x', digest: D, optional: { env: 'prod' } });
  });

  it('names Docker Hub as go-containerregistry does, and the signature tag after the digest', () => {
    expect(cosignRepository(parseImageReference('nginx:1'))).toBe('index.docker.io/library/nginx');
    expect(cosignRepository(parseImageReference('127.0.0.1:5000/a/b@' + D))).toBe('127.0.0.1:5000/a/b');
    expect(signatureTag(D)).toBe(`sha256-${'ab'.repeat(32)}.sig`);
  });

  it('lists every bad field of a payload in one PAYLOAD_INVALID error', () => {
    const bad = Buffer.from(JSON.stringify({ critical: { identity: {}, image: { 'docker-manifest-digest': 'sha256:xyz' }, type: 'atomic container signature' }, optional: [] }));
    expect(() => parsePayload(bad)).toThrow(
      'signature payload is invalid: critical.identity.docker-reference: missing; critical.image.docker-manifest-digest: not a digest; critical.type: "atomic container signature" is not "cosign container image signature"; optional: not an object',
    );
    expect(codeOf(() => parsePayload(Buffer.from('not json')))).toBe('PAYLOAD_INVALID');
    expect(codeOf(() => parsePayload(Buffer.from('[]')))).toBe('PAYLOAD_INVALID');
  });
});
