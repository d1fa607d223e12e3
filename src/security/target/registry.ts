import { Readable } from 'node:stream';
import type { ReadableStream as WebReadable } from 'node:stream/web';
import { digestMismatch, parseJson, readLimited, sha256, verified } from './blob.js';
import { TargetError } from './errors.js';
import { diffIds, layerInfos, parseImageConfig } from './image-config.js';
import { checkLayerCount, type TargetLimits } from './limits.js';
import { MANIFEST_ACCEPT, parseManifest, parsePlatform, resolveImageManifest, type ParsedManifest } from './manifest.js';
import type { ImageReference } from './reference.js';
import { answerChallenge, isLoopback, type Credentials } from './registry-auth.js';
import { readLayersInOrder, type ImageSource } from './source.js';

export interface RegistryOptions {
  /** "os/arch[/variant]" picked from manifest lists; default linux/amd64. */
  platform?: string;
  /** Plain HTTP for a host other than localhost/127.0.0.1. */
  insecure?: boolean;
  credentials?: Credentials;
  limits: TargetLimits;
}

/** The API base of a repository: HTTPS, except plain HTTP for loopback hosts or when `insecure`. */
export function registryBaseUrl(ref: ImageReference, insecure = false): string {
  const host = ref.domain === 'docker.io' ? 'registry-1.docker.io' : ref.domain;
  return `${insecure || isLoopback(host) ? 'http' : 'https'}://${host}/v2/${ref.path}`;
}

/** A registry that could not be reached at all (refused connection, DNS, TLS). */
export function registryUnreachable(domain: string, e: unknown): TargetError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return new TargetError('REGISTRY_ERROR', `registry ${domain} unreachable: ${cause?.code ?? cause?.message ?? (e as Error).message}`, { registry: domain }, e);
}

/** A registry's non-success answer as the error its status means, with the start of its body. */
export function registryRefusal(status: number, what: string, domain: string, detail: string): TargetError {
  const message = `${what}: HTTP ${status} from ${domain}${detail ? `: ${detail.slice(0, 200).trim()}` : ''}`;
  if (status === 401 || status === 403) return new TargetError('UNAUTHORIZED', message, { status });
  if (status === 404) return new TargetError('NOT_FOUND', message, { status });
  return new TargetError('REGISTRY_ERROR', message, { status });
}

/** A fetch response body as a Node stream (empty when there is none). */
export function responseStream(res: Response): Readable {
  if (res.body === null) return Readable.from([]);
  return Readable.fromWeb(res.body as unknown as WebReadable<Uint8Array>);
}

/** The registry HTTP API v2 for one repository, answering auth challenges as they come. */
class RegistryClient {
  private authorization: string | null = null;
  private readonly base: string;

  constructor(private readonly ref: ImageReference, private readonly options: RegistryOptions) {
    this.base = registryBaseUrl(ref, options.insecure);
  }

  async get(path: string, what: string, accept?: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {};
      if (accept !== undefined) headers.accept = accept;
      if (this.authorization !== null) headers.authorization = this.authorization;
      let res: Response;
      try {
        res = await fetch(`${this.base}${path}`, { headers });
      } catch (e) {
        throw registryUnreachable(this.ref.domain, e);
      }
      if (res.ok) return res;
      const challenge = res.headers.get('www-authenticate');
      const detail = await res.text().catch(() => '');
      if (res.status === 401 && attempt === 0) {
        const answer = await answerChallenge(challenge, `repository:${this.ref.path}:pull`, this.options.credentials, this.options.insecure === true);
        if (answer !== null) {
          this.authorization = answer;
          continue;
        }
      }
      throw registryRefusal(res.status, what, this.ref.domain, detail);
    }
  }

  /** A manifest by tag or digest; checked against `digest` when one is expected. */
  async manifest(reference: string, digest: string | null): Promise<{ parsed: ParsedManifest; digest: string }> {
    const what = `manifest ${this.ref.repository}:${reference}`;
    const data = await readLimited(responseStream(await this.get(`/manifests/${reference}`, what, MANIFEST_ACCEPT)), this.options.limits, what);
    const actual = sha256(data);
    if (digest !== null && actual !== digest) throw digestMismatch(what, digest, actual);
    return { parsed: parseManifest(parseJson(data, what), what), digest: actual };
  }

  async blob(digest: string, what: string): Promise<Readable> {
    return verified(responseStream(await this.get(`/blobs/${digest}`, what)), digest, what);
  }
}

/**
 * An image pulled over the registry HTTP API v2: Docker schema 2 and OCI manifests, lists and
 * indexes resolved to one platform, every blob verified against its digest while it streams.
 * HTTPS except for loopback hosts or `insecure`.
 */
export async function openRegistryImage(ref: ImageReference, name: string, options: RegistryOptions): Promise<ImageSource> {
  const client = new RegistryClient(ref, options);
  const top = await client.manifest(ref.digest ?? ref.tag ?? 'latest', ref.digest);
  const fetchChild = async (d: { digest: string }): Promise<ParsedManifest> => (await client.manifest(d.digest, d.digest)).parsed;
  const { manifest, digest } = await resolveImageManifest(top.parsed, fetchChild, parsePlatform(options.platform), name);
  checkLayerCount(manifest.layers.length, options.limits);
  const raw = parseJson(await readLimited(await client.blob(manifest.config.digest, 'image config'), options.limits, 'image config'), 'image config');
  const config = parseImageConfig(raw);
  return {
    info: {
      name,
      kind: 'registry',
      digest: digest ?? top.digest,
      imageId: manifest.config.digest,
      repoTags: ref.tag !== null ? [`${ref.familiar}:${ref.tag}`] : [],
      repoDigests: [`${ref.familiar}@${top.digest}`],
      config,
      layers: layerInfos(config, diffIds(raw), manifest.layers),
    },
    readLayers: (visit, only) =>
      readLayersInOrder(manifest.layers.length, async (i) => ({ blob: await client.blob(manifest.layers[i].digest, `layer ${i}`) }), visit, only),
    close: async () => {},
  };
}
