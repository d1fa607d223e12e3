import { Readable } from 'node:stream';
import { peek, readLimited, sniffFormat } from './blob.js';
import { TargetError } from './errors.js';
import { parseSaveManifest, type SaveManifest } from './docker-save.js';
import type { TargetLimits } from './limits.js';
import { dirname, normalizeEntryPath } from './paths.js';
import type { LayerStream } from './source.js';
import { tarEntries } from './tar-entries.js';

export interface StreamedArchive<T> {
  manifest: SaveManifest;
  config: Buffer;
  layerSizes: number[];
  results: (T | undefined)[];
}

/**
 * Reads a `docker save` tar as one stream (an engine export), never storing it: each blob that
 * looks like a layer is visited as it passes, small ones are kept, and since manifest.json comes
 * last the results are put in layer order at the end.
 */
export async function readDockerArchiveStream<T>(
  stream: Readable,
  visit: (layer: LayerStream) => Promise<T>,
  limits: TargetLimits,
  only?: ReadonlySet<number>,
): Promise<StreamedArchive<T>> {
  const visited = new Map<string, { result: T; size: number }>();
  const small = new Map<string, Buffer>();
  const aliases = new Map<string, string>();
  for await (const entry of tarEntries(stream)) {
    const key = normalizeEntryPath(entry.name);
    if (key === null) continue;
    if (entry.type === 'symlink' || entry.type === 'hardlink') {
      const link = entry.linkname ?? '';
      const target = normalizeEntryPath(entry.type === 'symlink' && !link.startsWith('/') ? `${dirname(key)}/${link}` : link);
      if (target !== null) aliases.set(key, target);
      continue;
    }
    if (entry.type !== 'file') continue;
    const { head, stream: body } = await peek(Readable.from(entry.open()), 512);
    const format = sniffFormat(head);
    if (format === 'gzip' || format === 'tar' || format === 'zstd') {
      visited.set(key, { result: await visit({ blob: body }), size: entry.size });
    } else if (entry.size <= limits.maxMetadataBytes) {
      small.set(key, await readLimited(body, limits, key));
    } else {
      for await (const chunk of body) void chunk;
    }
  }
  const lookup = (name: string): string => {
    let key = normalizeEntryPath(name) ?? '';
    for (let hops = 0; aliases.has(key) && hops < 16; hops++) key = aliases.get(key) as string;
    return key;
  };
  const manifestData = small.get('/manifest.json');
  if (manifestData === undefined) throw new TargetError('BAD_ARCHIVE', 'image export has no manifest.json');
  const manifest = parseSaveManifest(manifestData);
  const config = small.get(lookup(manifest.config));
  if (config === undefined) throw new TargetError('BAD_ARCHIVE', `image export has no config ${manifest.config}`);
  const layers = manifest.layers.map((l, i) => {
    const found = visited.get(lookup(l));
    if (found === undefined) throw new TargetError('BAD_ARCHIVE', `image export has no layer ${l}`);
    return { result: only === undefined || only.has(i) ? found.result : undefined, size: found.size };
  });
  return { manifest, config, layerSizes: layers.map((l) => l.size), results: layers.map((l) => l.result) };
}
