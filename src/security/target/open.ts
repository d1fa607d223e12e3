import type { ImageFile, TargetInfo } from '../types.js';
import { layerTarStream } from './blob.js';
import { readLayer, type LayerRecord, type Warning } from './layer-reader.js';
import { Budget, resolveLimits } from './limits.js';
import { resolveSource, type TargetOptions } from './resolve.js';
import type { ImageSource, LayerStream } from './source.js';
import { tarEntries } from './tar-entries.js';
import { Vfs, type FileNode } from './vfs.js';

export type Wanted = (path: string, size: number) => boolean;

/** A file of one layer, visible in the merged image or not (deleted or replaced by a later layer). */
export interface LayerFile extends ImageFile {
  deleted: boolean;
}

export interface FilesOptions {
  /** Also called for every wanted file of every layer, including versions later layers hide. */
  onLayerFile?: (file: LayerFile) => void;
}

export interface OpenedTarget {
  info: TargetInfo;
  /** What the last `files()` pass contained or skipped (traversal names, oversized files, bad links). */
  warnings: Warning[];
  /**
   * The merged filesystem's regular files that `wanted` selects, with their contents, sorted by path.
   * Symlinks to files count as files at the link's path. Each call reads the layers once more.
   */
  files(wanted: Wanted, options?: FilesOptions): Promise<ImageFile[]>;
  close(): Promise<void>;
}

/**
 * Opens a scan target (see `parseTarget` for the syntaxes): resolves it to an image source and
 * reads its manifest and config, but no layer yet.
 *
 * @example
 * const target = await openTarget('docker-archive:/tmp/app.tar');
 * const files = await target.files((path) => path === '/etc/os-release');
 * await target.close();
 */
export async function openTarget(target: string, options: TargetOptions = {}): Promise<OpenedTarget> {
  const limits = resolveLimits(options.limits);
  const source = await resolveSource(target, { ...options, limits });
  const opened: OpenedTarget = {
    info: source.info,
    warnings: [],
    files: async (wanted, filesOptions = {}) => {
      const warnings: Warning[] = [];
      const result = await mergedFiles(source, wanted, filesOptions, new Budget(limits), warnings);
      opened.warnings = warnings;
      return result;
    },
    close: () => source.close(),
  };
  return opened;
}

async function readRecords(source: ImageSource, wanted: Wanted, budget: Budget, warnings: Warning[], only?: ReadonlySet<number>): Promise<(LayerRecord | undefined)[]> {
  const visit = async (layer: LayerStream): Promise<LayerRecord> => {
    const entries = 'entries' in layer ? layer.entries : tarEntries(await layerTarStream(layer.blob, budget));
    return readLayer(entries, { budget, wanted, warnings, label: layer.index === undefined ? 'layer' : `layer ${layer.index}` });
  };
  return source.readLayers(visit, only);
}

async function mergedFiles(source: ImageSource, wanted: Wanted, options: FilesOptions, budget: Budget, warnings: Warning[]): Promise<ImageFile[]> {
  const { limits } = budget;
  const records = await readRecords(source, wanted, budget, warnings);
  const vfs = new Vfs();
  const nodes = records.map((record, i) => (record === undefined ? [] : vfs.apply(record, i, warnings)));
  const found: { path: string; node: FileNode; mode: number }[] = [];
  for (const [path, node] of vfs.walk()) {
    if (node.kind === 'file' && node.src.path === path) {
      if (node.content !== null) found.push({ path, node, mode: node.mode });
      continue;
    }
    // Hard links and symlinks: their own path decides, the content is the target's.
    const target = node.kind === 'symlink' ? vfs.resolve(path, limits.maxSymlinkHops) : node;
    if (target?.kind !== 'file' || !wanted(path, target.size)) continue;
    if (target.size > limits.maxFileBytes) warnings.push({ path, message: `${target.size} bytes exceeds maxFileBytes (${limits.maxFileBytes}); content not read` });
    else found.push({ path, node: target, mode: node.kind === 'file' ? node.mode : target.mode });
  }
  const missing = found.filter((f) => f.node.content === null);
  if (missing.length > 0) await fillContents(source, missing.map((f) => f.node), budget);
  if (options.onLayerFile !== undefined) {
    records.forEach((record, i) =>
      record?.entries.forEach((entry, j) => {
        if (entry.type !== 'file' || entry.content === null) return;
        const deleted = vfs.lookup(entry.path) !== nodes[i][j];
        options.onLayerFile?.({ path: entry.path, layer: i, size: entry.size, mode: entry.mode, content: entry.content, deleted });
      }),
    );
  }
  return found.flatMap(({ path, node, mode }) => (node.content === null ? [] : [{ path, layer: node.layer, size: node.size, mode, content: node.content }]));
}

/** A second pass for link targets the first pass did not keep, reading only the layers that hold them. */
async function fillContents(source: ImageSource, targets: FileNode[], budget: Budget): Promise<void> {
  const paths = new Set(targets.map((t) => t.src.path));
  const layers = new Set(targets.map((t) => t.src.layer));
  // Its warnings repeat the first pass's; they are dropped.
  const records = await readRecords(source, (path) => paths.has(path), new Budget(budget.limits), [], layers);
  const contents = new Map<string, Buffer>();
  records.forEach((record, i) => record?.entries.forEach((e) => e.content !== null && contents.set(`${i}\0${e.path}`, e.content)));
  for (const t of targets) t.content = contents.get(`${t.src.layer}\0${t.src.path}`) ?? null;
}
