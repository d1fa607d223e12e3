import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { SignatureError } from './errors.js';
import type { GeneratedKeyPair } from './keys.js';

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/**
 * Writes `<prefix>.key` (mode 0600) and `<prefix>.pub` (0644) in `dir`, as cosign
 * generate-key-pair does; an existing file is KEY_EXISTS unless `force`.
 */
export async function writeKeyPair(dir: string, prefix: string, pair: GeneratedKeyPair, force = false): Promise<{ privateKey: string; publicKey: string }> {
  if (prefix === '' || prefix.includes('/') || prefix.includes('\\')) throw new SignatureError('BAD_POLICY', `--output-key-prefix must be a file name without folders, got "${prefix}"`);
  const privateKey = join(dir, `${prefix}.key`);
  const publicKey = join(dir, `${prefix}.pub`);
  if (!force) {
    for (const path of [privateKey, publicKey]) {
      if (await exists(path)) throw new SignatureError('KEY_EXISTS', `${path} already exists; pass --force to overwrite it`, { path });
    }
  }
  await writeFileAtomic(privateKey, pair.privateKey, { mode: 0o600 });
  await writeFileAtomic(publicKey, pair.publicKey, { mode: 0o644 });
  return { privateKey, publicKey };
}
