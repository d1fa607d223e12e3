import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Config } from '../config/index.js';
import { ChurnError } from '../errors.js';
import { parseTarget } from '../security/target/index.js';

/** A target the API refuses to scan; the message says which rule it broke. */
export class ScanTargetError extends ChurnError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('TARGET_NOT_ALLOWED', message, { kind: 'input', details });
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * What an API caller may have scanned, as a target string the scanner can open. An admin key
 * must not turn the service into a reader of its own filesystem or its Docker engine:
 * - image references go to their registry only (the local engine is never asked: see the
 *   `engine: false` the jobs pass), over HTTPS unless the registry is on loopback;
 * - local paths (`fs:`, `oci:`, `oci-archive:`, `docker-archive:`, plain paths) are refused
 *   unless SECURITY_SCAN_ROOT names a folder, and then must lie inside it after symlinks are
 *   resolved; relative paths are taken from that folder. `~` is never expanded.
 * The path is rewritten absolute so the scan is filed under the same history as a CLI scan.
 */
export async function allowedScanTarget(target: string, config: Config): Promise<string> {
  const spec = parseTarget(target);
  if (spec.kind === 'registry' || spec.kind === 'image') return target;
  const root = config.security.scanRoot;
  if (root === null) throw new ScanTargetError('local paths cannot be scanned through the API unless SECURITY_SCAN_ROOT names a folder for them; scan an image reference instead', { field: 'target' });
  if (spec.path.startsWith('~')) throw new ScanTargetError('"~" paths are not accepted through the API; give a path inside SECURITY_SCAN_ROOT', { field: 'target' });
  const realRoot = await realpath(root).catch(() => null);
  if (realRoot === null) throw new ChurnError('SCAN_ROOT_MISSING', 'SECURITY_SCAN_ROOT does not exist on the server', { kind: 'internal' });
  const lexical = resolve(realRoot, spec.path);
  // Checked before touching the path, so nothing about files outside the root is revealed.
  if (!inside(realRoot, lexical)) throw new ScanTargetError('the path lies outside SECURITY_SCAN_ROOT', { field: 'target' });
  const real = await realpath(lexical).catch(() => null);
  if (real === null) throw new ScanTargetError(`nothing at ${relative(realRoot, lexical) || '.'} inside SECURITY_SCAN_ROOT`, { field: 'target' });
  if (!inside(realRoot, real)) throw new ScanTargetError('the path leads outside SECURITY_SCAN_ROOT through a symbolic link', { field: 'target' });
  // A colon would read as the start of a tag when the target string is parsed again.
  if (real.includes(':')) throw new ScanTargetError('paths containing ":" cannot be scanned through the API', { field: 'target' });
  const tag = 'tag' in spec && spec.tag !== null ? `:${spec.tag}` : '';
  const kind = spec.kind === 'fs' ? 'fs' : spec.kind;
  return `${kind}:${real}${tag}`;
}
