import type { ImageConfig, LayerInfo } from '../types.js';
import { TargetError } from './errors.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The parts of an OCI/Docker image config (or an engine's inspect `Config`) that later checks read. */
export function parseImageConfig(raw: unknown): ImageConfig {
  const root = obj(raw);
  const c = obj(root.config ?? root.Config);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(c.Labels))) if (typeof v === 'string') labels[k] = v;
  const hc = obj(c.Healthcheck);
  return {
    user: str(c.User),
    env: strs(c.Env),
    exposedPorts: Object.keys(obj(c.ExposedPorts)).sort(),
    entrypoint: strs(c.Entrypoint),
    cmd: strs(c.Cmd),
    workingDir: str(c.WorkingDir),
    labels,
    healthcheck: Array.isArray(hc.Test) ? { test: strs(hc.Test) } : null,
    os: str(root.os ?? root.Os),
    architecture: str(root.architecture ?? root.Architecture),
    history: (Array.isArray(root.history) ? root.history : []).map((h) => ({ createdBy: str(obj(h).created_by), emptyLayer: obj(h).empty_layer === true })),
  };
}

/** The config's rootfs.diff_ids (or an inspect's RootFS.Layers). */
export function diffIds(raw: unknown): string[] {
  const root = obj(raw);
  const rootfs = obj(root.rootfs ?? root.RootFS);
  return strs(rootfs.diff_ids ?? rootfs.Layers);
}

/**
 * Layer infos in order, tying each layer to the history step that made it. `blobs` are the
 * manifest's layer digests and sizes; their count must match the config's diff_ids.
 */
export function layerInfos(config: ImageConfig, ids: string[], blobs: { digest: string; size: number }[]): LayerInfo[] {
  if (ids.length > 0 && ids.length !== blobs.length) {
    throw new TargetError('BAD_ARCHIVE', `image has ${blobs.length} layers but its config lists ${ids.length} diff_ids`);
  }
  const steps = config.history.filter((h) => !h.emptyLayer);
  const aligned = steps.length === blobs.length;
  return blobs.map((b, index) => {
    const info: LayerInfo = { index, digest: b.digest, diffId: ids[index] ?? b.digest, size: b.size };
    if (aligned) info.createdBy = steps[index].createdBy;
    return info;
  });
}
