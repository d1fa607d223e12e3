import { request, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { parseJson, readLimited } from './blob.js';
import { readDockerArchiveStream } from './docker-archive-stream.js';
import { saveInfo } from './docker-save.js';
import { TargetError } from './errors.js';
import { diffIds, layerInfos, parseImageConfig } from './image-config.js';
import type { TargetLimits } from './limits.js';
import type { ImageSource } from './source.js';

type Endpoint = { socketPath: string } | { host: string; port: number };

/** Where the engine listens: DOCKER_HOST (`unix://…` or `tcp://host:port`), else /var/run/docker.sock. */
export function engineEndpoint(dockerHost: string | undefined): Endpoint {
  if (dockerHost === undefined || dockerHost === '') return { socketPath: '/var/run/docker.sock' };
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice(7) };
  const m = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(dockerHost);
  if (m !== null) return { host: m[1], port: Number(m[2]) };
  throw new TargetError('ENGINE_ERROR', `DOCKER_HOST "${dockerHost}" is not supported: use unix://PATH or tcp://HOST:PORT`, { dockerHost });
}

/** A GET on the engine API; null when nothing answers on the endpoint. */
function get(endpoint: Endpoint, path: string): Promise<IncomingMessage | null> {
  return new Promise((resolve, reject) => {
    const req = request({ ...endpoint, path, method: 'GET', headers: { host: 'docker' } }, resolve);
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES' || e.code === 'ENOTSOCK') resolve(null);
      else reject(new TargetError('ENGINE_ERROR', `Docker engine request failed: ${e.message}`, undefined, e));
    });
    req.end();
  });
}

async function expectOk(res: IncomingMessage, what: string, limits: TargetLimits): Promise<IncomingMessage> {
  if (res.statusCode === 200) return res;
  const body = (await readLimited(res, limits, what).catch(() => Buffer.alloc(0))).toString('utf8').slice(0, 200);
  throw new TargetError('ENGINE_ERROR', `Docker engine: ${what} answered HTTP ${res.statusCode ?? '?'} ${body}`.trim());
}

/**
 * The image `name` in the local Docker engine, or null when no engine answers or it does not
 * have the image. Layers come from the engine's export (`/images/get`), streamed through the
 * docker-archive reader without touching the disk.
 */
export async function openEngineImage(name: string, dockerHost: string | undefined, limits: TargetLimits): Promise<ImageSource | null> {
  const endpoint = engineEndpoint(dockerHost);
  const res = await get(endpoint, `/images/${encodeURI(name)}/json`);
  if (res === null) return null;
  if (res.statusCode === 404) {
    res.resume();
    return null;
  }
  const inspect = parseJson(await readLimited(await expectOk(res, 'image inspect', limits), limits, 'image inspect'), 'image inspect') as Record<string, unknown>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const config = parseImageConfig(inspect);
  const ids = diffIds(inspect);
  const source: ImageSource = {
    // Until the export is read, layer digests are the diff_ids and history is unknown.
    info: {
      name,
      kind: 'docker-engine',
      digest: null,
      imageId: typeof inspect.Id === 'string' ? inspect.Id : null,
      repoTags: strings(inspect.RepoTags),
      repoDigests: strings(inspect.RepoDigests),
      config,
      layers: layerInfos(config, ids, ids.map((digest) => ({ digest, size: 0 }))),
    },
    readLayers: async (visit, only) => {
      const exported = await get(endpoint, `/images/get?names=${encodeURIComponent(name)}`);
      if (exported === null) throw new TargetError('ENGINE_ERROR', 'Docker engine went away before the image export');
      const stream: Readable = await expectOk(exported, 'image export', limits);
      const read = await readDockerArchiveStream(stream, visit, limits, only);
      const exact = saveInfo(name, 'docker-engine', read.manifest, read.config, read.layerSizes, limits);
      source.info.config = exact.config;
      source.info.layers = exact.layers;
      return read.results;
    },
    close: async () => {},
  };
  return source;
}
