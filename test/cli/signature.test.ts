import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptPrivateKey } from '../../src/security/signature/encrypted-key.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

/** generate-key-pair as a user runs it: files, modes, overwrite protection, where the password comes from. */
const tmp = tempDir('churn-cli-keys-');
const saved = process.env.COSIGN_PASSWORD;
afterEach(() => {
  if (saved === undefined) delete process.env.COSIGN_PASSWORD;
  else process.env.COSIGN_PASSWORD = saved;
});

describe('churn generate-key-pair', () => {
  it('writes cosign.key (0600, encrypted with COSIGN_PASSWORD) and cosign.pub, printing neither key nor password', async () => {
    process.env.COSIGN_PASSWORD = 'a long passphrase';
    const dir = join(tmp.dir, 'one');
    const r = await runCli('generate-key-pair', '--dir', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Private key written to ${join(dir, 'cosign.key')}`);
    const priv = readFileSync(join(dir, 'cosign.key'), 'utf8');
    const pub = readFileSync(join(dir, 'cosign.pub'), 'utf8');
    expect(r.stderr).not.toContain('a long passphrase');
    expect(r.stderr).not.toContain(priv.split('\n')[1]);
    expect(statSync(join(dir, 'cosign.key')).mode & 0o777).toBe(0o600);
    expect(priv).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect((await decryptPrivateKey(priv, 'a long passphrase')).length).toBeGreaterThan(100);
  });

  it('refuses to overwrite an existing key (exit 2) unless --force; --output-key-prefix names the files', async () => {
    process.env.COSIGN_PASSWORD = '';
    const dir = join(tmp.dir, 'two');
    expect((await runCli('generate-key-pair', '--dir', dir, '--output-key-prefix', 'release')).code).toBe(0);
    const before = readFileSync(join(dir, 'release.key'), 'utf8');
    const again = await runCli('generate-key-pair', '--dir', dir, '--output-key-prefix', 'release');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${join(dir, 'release.key')} already exists; pass --force to overwrite it`);
    expect(readFileSync(join(dir, 'release.key'), 'utf8')).toBe(before);
    expect((await runCli('generate-key-pair', '--dir', dir, '--output-key-prefix', 'release', '--force')).code).toBe(0);
    expect(readFileSync(join(dir, 'release.key'), 'utf8')).not.toBe(before);
    expect((await runCli('generate-key-pair', '--dir', dir, '--output-key-prefix', '../escape')).code).toBe(2);
  });

  it('without COSIGN_PASSWORD and without a terminal there is no password: exit 2 saying how to give one', async () => {
    delete process.env.COSIGN_PASSWORD;
    const r = await runCli('generate-key-pair', '--dir', join(tmp.dir, 'three'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('set COSIGN_PASSWORD or run on a terminal');
  });

  it('help lists the signature commands and their flags', async () => {
    const help = await runCli('--help');
    for (const cmd of ['generate-key-pair', 'sign', 'verify', 'verify-blob']) expect(help.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    const verify = await runCli('verify-blob', '--help');
    for (const flag of ['--bundle', '--key', '--trusted-root', '--certificate-identity', '--certificate-identity-regexp', '--certificate-oidc-issuer', '--insecure-ignore-tlog']) expect(verify.stdout).toContain(flag);
    expect((await runCli('sign', 'x')).code).toBe(2);
  });
});
