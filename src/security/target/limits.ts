import { UsageError } from '../../errors.js';
import { TargetError } from './errors.js';

/** Bounds that keep a hostile image from hurting the host. Every one is named in its error. */
export interface TargetLimits {
  /** Layers in one image. */
  maxLayers: number;
  /** Tar entries over all layers of one pass (millions of tiny entries). */
  maxEntries: number;
  /** Uncompressed layer bytes over all layers of one pass (decompression bombs). */
  maxTotalBytes: number;
  /** Largest file whose content is kept; bigger wanted files are skipped with a warning. */
  maxFileBytes: number;
  /** Manifests, indexes, configs, archive metadata. */
  maxMetadataBytes: number;
  /** Symlinks followed while resolving one path. */
  maxSymlinkHops: number;
  /** Longest path inside an image. */
  maxPathLength: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS = {
  maxLayers: 256,
  maxEntries: 1_000_000,
  maxTotalBytes: 16 * 1024 * MiB,
  maxFileBytes: 64 * MiB,
  maxMetadataBytes: 8 * MiB,
  maxSymlinkHops: 40,
  maxPathLength: 4096,
} as const satisfies TargetLimits;

export function resolveLimits(partial: Partial<TargetLimits> = {}): TargetLimits {
  const limits: TargetLimits = { ...DEFAULT_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new UsageError(`limit ${key} must be a non-negative integer, got ${String(value)}`, { limit: key });
    }
  }
  return limits;
}

/** The error for a limit an image went past. */
export function limitError(limit: keyof TargetLimits, limits: TargetLimits, what: string): TargetError {
  return new TargetError('IMAGE_LIMIT', `${what} exceeds ${limit} (${limits[limit]})`, { limit, value: limits[limit] });
}

/** Running totals of one pass over the layers, checked against the limits. */
export class Budget {
  entries = 0;
  bytes = 0;
  constructor(readonly limits: TargetLimits) {}

  addEntry(): void {
    if (++this.entries > this.limits.maxEntries) throw limitError('maxEntries', this.limits, `entry count ${this.entries}`);
  }

  addBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxTotalBytes) throw limitError('maxTotalBytes', this.limits, `uncompressed size ${this.bytes} bytes`);
  }
}

export function checkLayerCount(count: number, limits: TargetLimits): void {
  if (count > limits.maxLayers) throw limitError('maxLayers', limits, `layer count ${count}`);
}
