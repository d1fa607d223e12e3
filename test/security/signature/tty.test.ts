import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptPrivateKey } from '../../../src/security/signature/encrypted-key.js';
import { tarLayer, writeOciLayout } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

/**
 * The password prompt on a real terminal: the CLI runs as its own process under `script`, which
 * gives it a pseudo-terminal; the test types when the prompt has appeared.
 */
const tmp = tempDir('churn-sig-tty-');
const entry = join(import.meta.dirname, 'cli-entry.ts');

/** Runs churn on a terminal; `answers` are typed, one per prompt seen ("…: " at the end of the output). */
function onTerminal(args: string[], answers: string[]): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.COSIGN_PASSWORD;
  const command = ['node', '--import', 'tsx', entry, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  let answered = 0;
  let answeredAt = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    // A prompt ends the output with ": "; each new one gets the next answer.
    if (output.endsWith(': ') && output.length > answeredAt && answered < answers.length) {
      child.stdin.write(answers[answered++]);
      answeredAt = output.length;
    }
  });
  // A prompt that never comes must not leave the process behind.
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    }),
  );
}

describe('password prompt on a terminal', () => {
  it('generate-key-pair asks twice without echoing; sign asks once; both use what was typed', async () => {
    const dir = join(tmp.dir, 'keys');
    const r = await onTerminal(['generate-key-pair', '--dir', dir], ['typed secret\r', 'typed secret\r']);
    expect(r.code).toBe(0);
    expect(r.output).toContain('Enter password for private key: ');
    expect(r.output).toContain('Enter password for private key again: ');
    expect(r.output).not.toContain('typed secret');
    expect((await decryptPrivateKey(readFileSync(join(dir, 'cosign.key'), 'utf8'), 'typed secret')).length).toBeGreaterThan(100);

    const layout = join(tmp.dir, 'layout');
    writeOciLayout(layout, { v1: { layers: [await tarLayer([{ path: 'etc/x', content: 'x' }])] } });
    const signed = await onTerminal(['sign', `oci:${layout}:v1`, '--key', join(dir, 'cosign.key')], ['typed secret\r']);
    expect(signed.code).toBe(0);
    expect(signed.output).toContain(`Enter password for ${join(dir, 'cosign.key')}: `);
    expect(signed.output).not.toContain('typed secret');
    const wrong = await onTerminal(['sign', `oci:${layout}:v1`, '--key', join(dir, 'cosign.key')], ['guess\r']);
    expect(wrong.code).toBe(2);
    expect(wrong.output).toContain('wrong password');
  });

  it('a confirmation that differs is refused (exit 2) and nothing is written; input typed ahead is kept for the next prompt', async () => {
    const dir = join(tmp.dir, 'mismatch');
    const r = await onTerminal(['generate-key-pair', '--dir', dir], ['one\r', 'two\r']);
    expect(r.code).toBe(2);
    expect(r.output).toContain('the passwords do not match');
    expect(() => readFileSync(join(dir, 'cosign.key'))).toThrow();

    const pasted = join(tmp.dir, 'pasted');
    const p = await onTerminal(['generate-key-pair', '--dir', pasted], ['same\rsame\r']);
    expect(p.code).toBe(0);
    expect((await decryptPrivateKey(readFileSync(join(pasted, 'cosign.key'), 'utf8'), 'same')).length).toBeGreaterThan(100);
  });
});
