import { digestMismatch, readLimited, sha256 } from './blob.js';
import { TargetError } from './errors.js';
import type { TargetLimits } from './limits.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import type { ImageReference } from './reference.js';
import { answerChallenge, type Credentials } from './registry-auth.js';
import { registryBaseUrl, registryRefusal, registryUnreachable, responseStream } from './registry.js';

export interface RegistryWriterOptions {
  insecure?: boolean;
  credentials?: Credentials;
  limits: TargetLimits;
}

interface Request {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  /** A path under /v2/<name>, or an absolute upload URL the registry gave. */
  url: string;
  what: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Whether the request needs push rights (token scope `pull,push`). */
  push?: boolean;
  /** Statuses returned to the caller instead of thrown. */
  allow?: number[];
}

/**
 * Reads and writes one repository over the registry HTTP API v2: manifests and blobs, monolithic
 * blob uploads (POST then PUT), manifest PUTs. Auth challenges are answered as they come
 * (anonymous or Basic-authenticated bearer tokens, or Basic), asking for push rights only when a
 * write needs them. Plain HTTP only for loopback hosts or `insecure`.
 */
export class RegistryWriter {
  private authorization: string | null = null;
  private scope: 'pull' | 'pull,push' = 'pull';
  private readonly base: string;

  constructor(readonly ref: ImageReference, private readonly options: RegistryWriterOptions) {
    this.base = registryBaseUrl(ref, options.insecure);
  }

  private async send(req: Request): Promise<Response> {
    const want = req.push === true ? 'pull,push' : 'pull';
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...req.headers };
      if (this.authorization !== null) headers.authorization = this.authorization;
      const url = /^https?:\/\//.test(req.url) ? req.url : `${this.base}${req.url}`;
      let res: Response;
      try {
        res = await fetch(url, { method: req.method, headers, body: req.body, redirect: 'follow' });
      } catch (e) {
        throw registryUnreachable(this.ref.domain, e);
      }
      if (res.ok || req.allow?.includes(res.status)) return res;
      const challenge = res.headers.get('www-authenticate');
      const detail = req.method === 'HEAD' ? '' : await res.text().catch(() => '');
      // A token for pulling does not allow pushing: a write asks again with the wider scope.
      if ((res.status === 401 || res.status === 403) && attempt < 2 && challenge !== null && (attempt === 0 || this.scope !== want)) {
        const answer = await answerChallenge(challenge, `repository:${this.ref.path}:${want}`, this.options.credentials, this.options.insecure === true);
        if (answer !== null) {
          this.authorization = answer;
          this.scope = want;
          continue;
        }
      }
      throw registryRefusal(res.status, req.what, this.ref.domain, detail);
    }
  }

  private async bytes(res: Response, what: string): Promise<Buffer> {
    return readLimited(responseStream(res), this.options.limits, what);
  }

  /** A manifest by tag or digest (checked against a digest reference), or null when there is none. */
  async manifest(reference: string): Promise<{ data: Buffer; digest: string; mediaType: string } | null> {
    const what = `manifest ${this.ref.repository}:${reference}`;
    const res = await this.send({ method: 'GET', url: `/manifests/${reference}`, what, headers: { accept: MANIFEST_ACCEPT }, allow: [404] });
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    const data = await this.bytes(res, what);
    const digest = sha256(data);
    if (reference.startsWith('sha256:') && digest !== reference) throw digestMismatch(what, reference, digest);
    return { data, digest, mediaType: res.headers.get('content-type') ?? '' };
  }

  /** A (small) blob, verified against its digest. */
  async blob(digest: string, what: string): Promise<Buffer> {
    const data = await this.bytes(await this.send({ method: 'GET', url: `/blobs/${digest}`, what }), what);
    if (sha256(data) !== digest) throw digestMismatch(what, digest, sha256(data));
    return data;
  }

  async hasBlob(digest: string): Promise<boolean> {
    const res = await this.send({ method: 'HEAD', url: `/blobs/${digest}`, what: `blob ${digest}`, allow: [404] });
    return res.status !== 404;
  }

  /** Uploads a blob in one request unless the repository already has it; returns its digest. */
  async putBlob(data: Buffer, what: string): Promise<string> {
    const digest = sha256(data);
    if (await this.hasBlob(digest)) return digest;
    const started = await this.send({ method: 'POST', url: '/blobs/uploads/', what: `${what}: starting upload`, push: true, allow: [202] });
    await started.body?.cancel();
    const location = started.headers.get('location');
    if (location === null) throw new TargetError('REGISTRY_ERROR', `${what}: registry ${this.ref.domain} gave no upload location`);
    const url = new URL(location, this.base);
    url.searchParams.set('digest', digest);
    const done = await this.send({
      method: 'PUT',
      url: url.toString(),
      what: `${what}: upload`,
      push: true,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
      body: data,
    });
    await done.body?.cancel();
    return digest;
  }

  /** Stores a manifest under a tag (or its digest); returns the digest. */
  async putManifest(reference: string, data: Buffer, mediaType: string): Promise<string> {
    const res = await this.send({
      method: 'PUT',
      url: `/manifests/${reference}`,
      what: `manifest ${this.ref.repository}:${reference}`,
      push: true,
      headers: { 'content-type': mediaType },
      body: data,
    });
    await res.body?.cancel();
    return sha256(data);
  }
}
