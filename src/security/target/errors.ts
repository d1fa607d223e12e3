import { ChurnError } from '../../errors.js';

export type TargetErrorCode =
  | 'BAD_REFERENCE'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'REGISTRY_ERROR'
  | 'ENGINE_ERROR'
  | 'DIGEST_MISMATCH'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'IMAGE_LIMIT'
  | 'BAD_ARCHIVE';

/** Codes that mean the environment failed (network, engine), not the user's input. */
const INTERNAL: ReadonlySet<TargetErrorCode> = new Set(['REGISTRY_ERROR', 'ENGINE_ERROR']);

/**
 * Anything wrong with what is to be scanned: a bad name, an image that is missing or hostile,
 * a registry or engine that fails. `IMAGE_LIMIT` errors carry `details.limit`, the option name.
 *
 * @example
 * throw new TargetError('IMAGE_LIMIT', 'layer count 300 exceeds maxLayers (256)', { limit: 'maxLayers' });
 */
export class TargetError extends ChurnError {
  declare readonly code: TargetErrorCode;

  constructor(code: TargetErrorCode, message: string, details?: Record<string, unknown>, cause?: unknown) {
    super(code, message, { kind: INTERNAL.has(code) ? 'internal' : 'input', details, cause });
  }
}

export function isTargetError(e: unknown, code?: TargetErrorCode): e is TargetError {
  return e instanceof TargetError && (code === undefined || e.code === code);
}
