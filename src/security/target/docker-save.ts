import type { TargetInfo, TargetKind } from '../types.js';
import { parseJson, sha256 } from './blob.js';
import { TargetError } from './errors.js';
import { diffIds, layerInfos, parseImageConfig } from './image-config.js';
import { checkLayerCount, type TargetLimits } from './limits.js';

/** The first image of a `docker save` manifest.json. */
export interface SaveManifest {
  config: string;
  repoTags: string[];
  layers: string[];
}

export function parseSaveManifest(data: Buffer): SaveManifest {
  const raw = parseJson(data, 'manifest.json');
  const first: unknown = Array.isArray(raw) ? raw[0] : undefined;
  if (first === null || typeof first !== 'object') throw new TargetError('BAD_ARCHIVE', 'manifest.json lists no image');
  const m = first as Record<string, unknown>;
  const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null);
  const layers = strings(m.Layers);
  if (typeof m.Config !== 'string' || layers === null) throw new TargetError('BAD_ARCHIVE', 'manifest.json: Config or Layers missing');
  return { config: m.Config, repoTags: strings(m.RepoTags) ?? [], layers };
}

/** A layer's blob digest from its file name when the name is one ("blobs/sha256/…", "<hex>.tar"). */
function digestFromPath(path: string): string | null {
  // eslint-disable-next-line security/detect-unsafe-regex -- tried only at the start or after a '/', with fixed-size parts: at most 72 characters per try
  const m = /(?:^|\/)([a-f0-9]{64})(?:\.tar(?:\.gz)?)?$/.exec(path);
  return m === null ? null : `sha256:${m[1]}`;
}

/** TargetInfo of a `docker save` image from its manifest, config bytes and layer file sizes. */
export function saveInfo(
  name: string,
  kind: TargetKind,
  manifest: SaveManifest,
  configData: Buffer,
  layerSizes: number[],
  limits: TargetLimits,
): TargetInfo {
  checkLayerCount(manifest.layers.length, limits);
  const raw = parseJson(configData, manifest.config);
  const config = parseImageConfig(raw);
  const ids = diffIds(raw);
  const blobs = manifest.layers.map((p, i) => ({ digest: digestFromPath(p) ?? ids[i] ?? '', size: layerSizes[i] ?? 0 }));
  return {
    name,
    kind,
    digest: null,
    imageId: sha256(configData),
    repoTags: manifest.repoTags,
    repoDigests: [],
    config,
    layers: layerInfos(config, ids, blobs),
  };
}
