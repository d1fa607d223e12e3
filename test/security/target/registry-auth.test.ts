import { createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget } from '../../../src/security/target/open.js';
import { parseChallenge } from '../../../src/security/target/registry-auth.js';
import { run, skopeoCopy, startRegistry, tarLayer, writeOciLayout, type Server } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

const tmp = tempDir('churn-regauth-');
const storage = join(tmp.dir, 'storage');
const SERVICE = 'churn-test-registry';
const ISSUER = 'churn-test-issuer';
let open: Server;
let secured: Server;
let tokens: HttpServer;
const requests: { scope: string | null; service: string | null; user: string | null }[] = [];

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** A token service as Docker's registry expects one: RS256 JWTs whose x5c certificate the registry trusts. */
function startTokenService(key: string, certDer: string): Promise<number> {
  tokens = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    const user = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : null;
    requests.push({ scope: url.searchParams.get('scope'), service: url.searchParams.get('service'), user });
    if (user !== null && user !== 'scanner:s3cret') {
      res.writeHead(401).end();
      return;
    }
    const [, name, actions] = (url.searchParams.get('scope') ?? '').split(':');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, sub: user ?? '', aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access: user === null ? [] : [{ type: 'repository', name, actions: actions.split(',') }] };
    const signed = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer] }))}.${b64url(JSON.stringify(claims))}`;
    const token = `${signed}.${createSign('RSA-SHA256').update(signed).sign(key).toString('base64url')}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
  });
  return new Promise((resolve) => tokens.listen(0, '127.0.0.1', () => resolve((tokens.address() as AddressInfo).port)));
}

beforeAll(async () => {
  const key = tmp.path('token.key');
  const cert = tmp.path('token.crt');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=churn-token']);
  const der = readFileSync(cert, 'utf8').replace(/-----[^-]+-----|\s/g, '');
  const port = await startTokenService(readFileSync(key, 'utf8'), der);
  // One registry to push into, a second with token auth serving the same storage.
  open = await startRegistry(tmp.dir, storage);
  const auth = `auth:\n  token:\n    realm: http://127.0.0.1:${port}/token\n    service: ${SERVICE}\n    issuer: ${ISSUER}\n    rootcertbundle: ${cert}\n`;
  secured = await startRegistry(tmp.dir, storage, auth);
  writeOciLayout(join(tmp.dir, 'layout'), { app: { layers: [await tarLayer([{ path: 'etc/app', content: 'private' }])] } });
  await skopeoCopy(`oci:${join(tmp.dir, 'layout')}:app`, `docker://${open.address}/team/app:1`);
});
afterAll(async () => {
  await Promise.all([open.stop(), secured.stop(), new Promise((r) => tokens.close(r))]);
});

describe('bearer-token auth against a real registry', () => {
  it('fetches a token with the credentials and pulls', async () => {
    requests.length = 0;
    const t = await openTarget(`docker://${secured.address}/team/app:1`, { credentials: { username: 'scanner', password: 's3cret' } });
    const files = await t.files(() => true);
    expect(files.map((f) => f.content.toString())).toEqual(['private']);
    expect(requests[0]).toEqual({ scope: 'repository:team/app:pull', service: SERVICE, user: 'scanner:s3cret' });
  });

  it('is UNAUTHORIZED anonymously or with wrong credentials', async () => {
    await expect(openTarget(`docker://${secured.address}/team/app:1`)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(openTarget(`docker://${secured.address}/team/app:1`, { credentials: { username: 'scanner', password: 'nope' } })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringContaining('refused the credentials'),
    });
  });
});

describe('parseChallenge', () => {
  it('reads quoted parameters, commas inside quotes included', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
  });
});
