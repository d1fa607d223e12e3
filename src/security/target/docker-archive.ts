import { readLimited } from './blob.js';
import { resolveLimits, type TargetLimits } from './limits.js';
import { parseSaveManifest, saveInfo } from './docker-save.js';
import { readLayersInOrder, type ImageSource } from './source.js';
import { findEntry, indexTar, streamEntry } from './tar-index.js';

/**
 * A `docker save` tar (legacy layout or the OCI layout Docker 25+ writes, both described by
 * manifest.json), read in place: its headers are indexed once, then each layer streams from its offset.
 *
 * @example
 * const source = await openDockerArchive('/tmp/app.tar', 'docker-archive:/tmp/app.tar');
 */
export async function openDockerArchive(path: string, name: string, limits: TargetLimits = resolveLimits()): Promise<ImageSource> {
  const index = await indexTar(path, limits);
  const read = (entry: string): Promise<Buffer> => readLimited(streamEntry(path, findEntry(index, entry)), limits, entry);
  const manifest = parseSaveManifest(await read('manifest.json'));
  const layers = manifest.layers.map((l) => findEntry(index, l));
  const info = saveInfo(name, 'docker-archive', manifest, await read(manifest.config), layers.map((l) => l.size), limits);
  return {
    info,
    readLayers: (visit, only) => readLayersInOrder(layers.length, async (i) => ({ blob: streamEntry(path, layers[i]) }), visit, only),
    close: async () => {},
  };
}
