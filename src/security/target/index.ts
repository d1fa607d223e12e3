/** The target stage: what is scanned, opened and read as a merged filesystem. */
export { TargetError, isTargetError, type TargetErrorCode } from './errors.js';
export { DEFAULT_LIMITS, type TargetLimits } from './limits.js';
export { openTarget, type FilesOptions, type LayerFile, type OpenedTarget, type Wanted } from './open.js';
export { formatReference, parseImageReference, parseTarget, type ImageReference, type TargetSpec } from './reference.js';
export type { Credentials } from './registry-auth.js';
export type { TargetOptions } from './resolve.js';
export type { Warning } from './layer-reader.js';
