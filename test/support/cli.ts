import { PassThrough } from 'node:stream';
import { main, type Cli } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, capturing what it prints. */
export async function runCli(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  const cli: Cli = {
    out: (t) => (stdout += `${t}\n`),
    info: (t) => (stderr += `${t}\n`),
    error: (t) => (stderr += `${t}\n`),
    progress: () => ({ update() {}, done() {} }),
    stdout: sink,
  };
  const code = await main(['node', 'churn', ...args], cli);
  return { code, stdout, stderr };
}
