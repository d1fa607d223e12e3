import type { ImageFile } from '../types.js';
import type { OpenedTarget } from '../target/index.js';
import { DEFAULT_MAX_BYTES, NO_OPTIONS, isPathScanned, scanSecrets } from './scanner.js';
import type { ScanSecretsOptions, SecretFinding } from './types.js';

/**
 * Scans every file of every layer of an opened target, so a secret a later layer deletes or
 * replaces is still found (with `deleted: true`). Directory targets have one layer.
 *
 * @example
 * const target = await openTarget('oci:/tmp/layout:app');
 * const findings = await scanTargetSecrets(target);
 * await target.close();
 */
export async function scanTargetSecrets(target: OpenedTarget, options: ScanSecretsOptions = NO_OPTIONS): Promise<SecretFinding[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const findings: SecretFinding[] = [];
  let perLayer = 0;
  // Each layer file is scanned as it streams by, so memory holds one file, not the image.
  const merged: ImageFile[] = await target.files((path, size) => size <= maxBytes && isPathScanned(path, options), {
    onLayerFile: (f) => {
      perLayer++;
      findings.push(...scanSecrets(f.content, f.path, options, { layer: f.layer, deleted: f.deleted }));
    },
  });
  if (perLayer === 0) for (const f of merged) findings.push(...scanSecrets(f.content, f.path, options, { layer: f.layer }));
  return findings;
}
