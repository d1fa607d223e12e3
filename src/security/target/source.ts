import type { Readable } from 'node:stream';
import type { TargetInfo } from '../types.js';
import type { RawEntry } from './tar-entries.js';

/** A layer as a source hands it over: a blob (tar, maybe gzipped) or, for directories, entries. */
export type LayerStream = ({ blob: Readable } | { entries: AsyncIterable<RawEntry> }) & { index?: number };

/**
 * Where an image comes from. Each source knows how to stream its layers; the merge is shared.
 * `readLayers` may visit layers in any order (an engine export is one stream with the manifest
 * last), and returns the results in layer order; layers not in `only` may be skipped.
 */
export interface ImageSource {
  info: TargetInfo;
  readLayers<T>(visit: (layer: LayerStream) => Promise<T>, only?: ReadonlySet<number>): Promise<(T | undefined)[]>;
  close(): Promise<void>;
}

/** `readLayers` for sources that can open any layer on its own: in order, one at a time. */
export async function readLayersInOrder<T>(
  count: number,
  open: (index: number) => Promise<LayerStream>,
  visit: (layer: LayerStream) => Promise<T>,
  only?: ReadonlySet<number>,
): Promise<(T | undefined)[]> {
  const out: (T | undefined)[] = [];
  for (let i = 0; i < count; i++) out.push(only === undefined || only.has(i) ? await visit({ ...(await open(i)), index: i }) : undefined);
  return out;
}
