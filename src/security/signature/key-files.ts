import { randomBytes } from 'node:crypto';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SignatureError } from './errors.js';
import type { GeneratedKeyPair } from './keys.js';

/**
 * Written like writeFileAtomic (temporary file, fsync, rename) but created with the given mode
 * from the start: a private key must never exist, even briefly, readable by others.
 */
async function writePrivateFile(path: string, data: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

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
  await writePrivateFile(privateKey, pair.privateKey, 0o600);
  await writePrivateFile(publicKey, pair.publicKey, 0o644);
  return { privateKey, publicKey };
}
