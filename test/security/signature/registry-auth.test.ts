import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEntityPolicy, fetchImageSignatures, signImage, verifyImageSignatures } from '../../../src/security/signature/index.js';
import { codeOfAsync } from '../../support/errors.js';
import { run, skopeoCopy, startRegistry, tarLayer, writeOciLayout, type Server } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

/**
 * Signing into a registry that wants bearer tokens (Docker's token auth, a real docker-registry):
 * reading takes a pull token, writing asks again for pull,push; anonymous callers get no rights.
 */
const tmp = tempDir('churn-sig-auth-');
const SERVICE = 'churn-sig-registry';
const ISSUER = 'churn-sig-issuer';
let open: Server;
let secured: Server;
let tokens: HttpServer;
const scopes: { scope: string | null; user: string | null }[] = [];
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

function tokenService(key: string, certDer: string): Promise<number> {
  tokens = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    const user = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : null;
    scopes.push({ scope: url.searchParams.get('scope'), user });
    if (user !== null && user !== 'signer:pw') return void res.writeHead(401).end();
    const [, name, actions] = (url.searchParams.get('scope') ?? '').split(':');
    const now = Math.floor(Date.now() / 1000);
    const access = user === null ? [] : [{ type: 'repository', name, actions: actions.split(',') }];
    const claims = { iss: ISSUER, sub: user ?? '', aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const signed = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer] }))}.${b64url(JSON.stringify(claims))}`;
    const token = `${signed}.${createSign('RSA-SHA256').update(signed).sign(key).toString('base64url')}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
  });
  return new Promise((resolve) => tokens.listen(0, '127.0.0.1', () => resolve((tokens.address() as AddressInfo).port)));
}

beforeAll(async () => {
  const key = tmp.path('token.key');
  const cert = tmp.path('token.crt');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=churn-sig-token']);
  const port = await tokenService(readFileSync(key, 'utf8'), readFileSync(cert, 'utf8').replace(/-----[^-]+-----|\s/g, ''));
  const storage = join(tmp.dir, 'storage');
  open = await startRegistry(tmp.dir, storage);
  secured = await startRegistry(tmp.dir, storage, `auth:\n  token:\n    realm: http://127.0.0.1:${port}/token\n    service: ${SERVICE}\n    issuer: ${ISSUER}\n    rootcertbundle: ${cert}\n`);
  writeOciLayout(join(tmp.dir, 'layout'), { app: { layers: [await tarLayer([{ path: 'etc/app', content: 'private' }])] } });
  await skopeoCopy(`oci:${join(tmp.dir, 'layout')}:app`, `docker://${open.address}/team/app:1`);
});
afterAll(async () => {
  await Promise.all([open.stop(), secured.stop(), new Promise((r) => tokens.close(r))]);
});

describe('bearer-token auth for signing', () => {
  it('pushes the signature with a pull,push token obtained with the credentials, then verifies through the same auth', async () => {
    const ref = `${secured.address}/team/app:1`;
    const credentials = { username: 'signer', password: 'pw' };
    scopes.length = 0;
    const r = await signImage(ref, pair.privateKey, { credentials });
    expect(r.signatures).toBe(1);
    // The token request carries the registry's own challenge scope, whose action order is the registry's.
    const actions = scopes.map((s) => (s.scope ?? '').split(':')).filter(([, name]) => name === 'team/app').map(([, , a]) => a.split(',').sort().join(','));
    expect(actions).toContain('pull,push');
    expect(scopes.every((s) => s.user === 'signer:pw')).toBe(true);

    const policy = buildEntityPolicy({ keys: [{ pem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(), source: 'key.pub' }], now: new Date() });
    // The signature names the repository as this registry serves it; the open view of the same storage is another host.
    expect(verifyImageSignatures(await fetchImageSignatures(ref, { credentials }), policy)).toMatchObject({ verified: true });
    expect(verifyImageSignatures(await fetchImageSignatures(`${open.address}/team/app:1`), policy)).toMatchObject({ verified: false, code: 'REPOSITORY_MISMATCH' });
  });

  it('anonymous or with wrong credentials it is UNAUTHORIZED, and nothing is written', async () => {
    expect(await codeOfAsync(signImage(`${secured.address}/team/app:1`, pair.privateKey))).toBe('UNAUTHORIZED');
    expect(await codeOfAsync(signImage(`${secured.address}/team/app:1`, pair.privateKey, { credentials: { username: 'signer', password: 'nope' } }))).toBe('UNAUTHORIZED');
    const material = await fetchImageSignatures(`${open.address}/team/app:1`);
    expect(material.layers).toHaveLength(1);
  });
});
